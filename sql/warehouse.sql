-- The warehouse: what a refresh stores. Every child or offender reference here is
-- already a keyed pseudonym (column names end in _pseudonym); no raw reference,
-- name or other direct identifier is ever written to this file.
-- Dates of birth are kept because ages need them; no board-facing output shows one.

-- ONS mid-year population estimates: the denominators, and the list of valid localities.
CREATE TABLE population (
    year        INTEGER NOT NULL,
    area        VARCHAR NOT NULL,
    locality    VARCHAR NOT NULL,
    sex         VARCHAR NOT NULL,
    age         INTEGER NOT NULL,
    population  INTEGER NOT NULL
);

-- The localities of each area, as population.csv names them. `locality_key` is the
-- matching key: lower case, '&' read as 'and', spaces and punctuation removed.
CREATE TABLE localities (
    area          VARCHAR NOT NULL,
    locality      VARCHAR NOT NULL,
    locality_key  VARCHAR NOT NULL PRIMARY KEY
);

-- Police and social care missing / absent / away episodes, and the SSDA903 missing
-- table (origin 'ssda903', times known to the day only: dates_only = true).
CREATE TABLE missing_episodes (
    episode_id          VARCHAR NOT NULL,
    origin              VARCHAR NOT NULL,   -- 'missing_episodes' or 'ssda903'
    source              VARCHAR NOT NULL,   -- police / social_care
    child_pseudonym     VARCHAR NOT NULL,
    dob                 DATE NOT NULL,
    sex                 VARCHAR,
    ethnicity           VARCHAR,
    disability          BOOLEAN,
    looked_after        BOOLEAN,
    placement_type      VARCHAR,
    placed_out_of_area  BOOLEAN,
    area                VARCHAR NOT NULL,
    locality            VARCHAR,
    classification      VARCHAR NOT NULL,
    reported_at         TIMESTAMP NOT NULL,
    returned_at         TIMESTAMP,
    found_locality      VARCHAR,
    risk_grading        VARCHAR,
    dates_only          BOOLEAN NOT NULL
);

CREATE TABLE return_interviews (
    rhi_id                  VARCHAR NOT NULL,
    episode_id              VARCHAR NOT NULL,
    child_pseudonym         VARCHAR NOT NULL,
    offered_at              TIMESTAMP,
    completed_at            TIMESTAMP,
    outcome                 VARCHAR NOT NULL,
    provider                VARCHAR,
    exploitation_disclosed  BOOLEAN
);

-- SERAF assessments. `level` is as recorded, or derived from `score` when only the
-- score was given (level_derived = true): 0–5 none, 6–10 low, 11–15 medium, 16+ high.
CREATE TABLE risk_assessments (
    assessment_id      VARCHAR NOT NULL,
    child_pseudonym    VARCHAR NOT NULL,
    dob                DATE NOT NULL,
    sex                VARCHAR,
    ethnicity          VARCHAR,
    looked_after       BOOLEAN,
    area               VARCHAR NOT NULL,
    locality           VARCHAR,
    agency             VARCHAR NOT NULL,
    assessed_at        DATE NOT NULL,
    exploitation_type  VARCHAR NOT NULL,
    score              INTEGER,
    level              VARCHAR NOT NULL,
    level_derived      BOOLEAN NOT NULL
);

CREATE TABLE referrals (
    referral_id      VARCHAR NOT NULL,
    child_pseudonym  VARCHAR NOT NULL,
    dob              DATE NOT NULL,
    sex              VARCHAR,
    ethnicity        VARCHAR,
    area             VARCHAR NOT NULL,
    locality         VARCHAR,
    received_at      DATE NOT NULL,
    referrer         VARCHAR NOT NULL,
    factors          VARCHAR[] NOT NULL,   -- upper-cased factor codes, in the order given
    outcome          VARCHAR
);

CREATE TABLE nrm_referrals (
    nrm_id              VARCHAR NOT NULL,
    child_pseudonym     VARCHAR NOT NULL,
    dob                 DATE NOT NULL,
    sex                 VARCHAR,
    nationality         VARCHAR,
    area                VARCHAR NOT NULL,
    referred_at         DATE NOT NULL,
    first_responder     VARCHAR NOT NULL,
    exploitation_type   VARCHAR NOT NULL,
    reasonable_grounds  VARCHAR,
    conclusive_grounds  VARCHAR
);

-- Community Partnership Information submissions.
CREATE TABLE intelligence (
    cpi_id              VARCHAR NOT NULL,
    submitted_at        DATE NOT NULL,
    agency              VARCHAR NOT NULL,
    area                VARCHAR NOT NULL,
    locality            VARCHAR NOT NULL,
    location_type       VARCHAR,
    theme               VARCHAR NOT NULL,
    child_pseudonym     VARCHAR,
    offender_pseudonym  VARCHAR
);

CREATE TABLE disruptions (
    disruption_id       VARCHAR NOT NULL,
    offender_pseudonym  VARCHAR NOT NULL,
    area                VARCHAR NOT NULL,
    locality            VARCHAR,
    action_date         DATE NOT NULL,
    action_type         VARCHAR NOT NULL,
    theme               VARCHAR NOT NULL
);

-- The MET action plan. Rows accumulate across refreshes: one per (action_id, updated_at).
CREATE TABLE actions (
    action_id   VARCHAR NOT NULL,
    priority    INTEGER NOT NULL,
    title       VARCHAR NOT NULL,
    owner       VARCHAR,
    due         VARCHAR,
    rag         VARCHAR NOT NULL,
    updated_at  DATE NOT NULL,
    progress    VARCHAR
);

-- Commissioned services (services.csv): one row per quarter, area, service and provider,
-- from the commissioner's contract returns. No child record: counts only. `quarter` is
-- 'YYYY-Qn' (calendar quarter).
CREATE TABLE services (
    quarter                VARCHAR NOT NULL,
    area                   VARCHAR NOT NULL,
    service                VARCHAR NOT NULL,
    provider               VARCHAR,
    referrals_received     INTEGER NOT NULL,
    referrals_accepted     INTEGER,
    started_within_target  INTEGER,
    target_days            INTEGER,
    capacity               INTEGER,
    waiting_at_end         INTEGER
);

-- Every row a refresh could not accept, one record per row, with every problem found.
-- `scope` is the area of an SSDA903 file ('' for the other sources), because that
-- source is replaced one area at a time. `row_values` holds the row's contract
-- columns as JSON, references already pseudonymised; NULL when the line could not be
-- split into columns (then references could not be told apart from other values).
CREATE TABLE quarantine (
    refresh_id  VARCHAR NOT NULL,
    source      VARCHAR NOT NULL,
    scope       VARCHAR NOT NULL,
    file        VARCHAR NOT NULL,
    line        INTEGER NOT NULL,
    "column"    VARCHAR,
    kind        VARCHAR NOT NULL,   -- the first problem's category, as counted in the load report
    reason      VARCHAR NOT NULL,   -- the first problem, in words a person can act on
    problems    JSON NOT NULL,      -- every problem: [{column, kind, reason}]
    row_values  JSON
);

-- Refresh history: one row per refresh, successful or not.
CREATE TABLE refreshes (
    refresh_id   VARCHAR NOT NULL PRIMARY KEY,
    started_at   TIMESTAMP NOT NULL,
    finished_at  TIMESTAMP,
    status       VARCHAR NOT NULL,   -- loaded / failed
    input        VARCHAR,            -- the folder's name (not its path)
    report       JSON NOT NULL       -- the load report object of the contract
);

-- One row per file per refresh.
CREATE TABLE refresh_files (
    refresh_id       VARCHAR NOT NULL,
    file             VARCHAR NOT NULL,
    source           VARCHAR,
    scope            VARCHAR NOT NULL,
    status           VARCHAR NOT NULL,   -- loaded / refused
    sha256           VARCHAR,
    encoding         VARCHAR,
    rows_read        BIGINT,
    rows_loaded      BIGINT,
    rows_quarantined BIGINT,
    reasons          JSON,
    absent_columns   VARCHAR[],
    dropped_columns  VARCHAR[],
    error            VARCHAR
);

-- Where each source's current data came from: which refresh, which file.
CREATE TABLE source_state (
    source      VARCHAR NOT NULL,
    scope       VARCHAR NOT NULL,
    refresh_id  VARCHAR NOT NULL,
    file        VARCHAR NOT NULL,
    sha256      VARCHAR NOT NULL,
    loaded_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (source, scope)
);

-- Facts about the warehouse itself, carried forward by every refresh. `key_fingerprint`:
-- an HMAC of a fixed text under the pseudonymisation key (16 hex characters), so that a
-- refresh made with another key is refused instead of silently unlinking every child.
CREATE TABLE warehouse_meta (
    name   VARCHAR NOT NULL PRIMARY KEY,
    value  VARCHAR NOT NULL
);
