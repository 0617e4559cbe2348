-- Shared definitions for every measure family: periods, ages, age scopes and the
-- tables the measures are stored in. Run at the end of each refresh, in the new
-- warehouse, after the partner data is in place. Parameters are those of
-- met-dataset.md, declared once in model/parameters.ts and handed to this SQL as
-- DuckDB variables (getvariable('met_…')); none is written here.

-- The parameters the measures below were built with, so that the words beside a
-- figure name the parameters that produced it.
CREATE OR REPLACE TABLE measure_parameters AS SELECT getvariable('met_parameters')::JSON AS parameters;

-- Each measure family's file ends by naming the measures it writes.
CREATE OR REPLACE TABLE measures_built (measure VARCHAR PRIMARY KEY, sql_file VARCHAR NOT NULL);

-- met_age(dob, d), the age at an event, is defined in sql/age.sql (run before this file).

-- The financial year (1 April – 31 March) containing a date, as FY2025-26.
CREATE OR REPLACE MACRO met_fy_start_year(d) AS CASE WHEN month(d::DATE) >= 4 THEN year(d::DATE) ELSE year(d::DATE) - 1 END;
CREATE OR REPLACE MACRO met_fy_id(d) AS
    'FY' || met_fy_start_year(d) || '-' || right((met_fy_start_year(d) + 1)::VARCHAR, 2);

-- The four periods an event falls in: its month, calendar quarter, financial year and
-- calendar year. A period includes its first day from 00:00 and ends before 00:00 of
-- the day after its last day, which is what truncating the event's date gives.
CREATE OR REPLACE MACRO met_period_ids(d) AS [
    strftime(d::DATE, '%Y-%m'),
    strftime(d::DATE, '%Y') || '-Q' || quarter(d::DATE),
    met_fy_id(d),
    strftime(d::DATE, '%Y')
];

-- The age scopes an age belongs to: 0-17 (the default: children), 18-24 and 0-24.
CREATE OR REPLACE MACRO met_scopes(age) AS
    CASE WHEN age <= 17 THEN ['0-17', '0-24'] WHEN age <= 24 THEN ['18-24', '0-24'] ELSE [] END;

CREATE OR REPLACE MACRO met_age_band(age) AS
    CASE WHEN age <= 9 THEN '0-9' WHEN age <= 13 THEN '10-13' WHEN age <= 15 THEN '14-15' WHEN age <= 17 THEN '16-17' END;

CREATE OR REPLACE MACRO met_level_rank(level) AS
    CASE level WHEN 'none' THEN 0 WHEN 'low' THEN 1 WHEN 'medium' THEN 2 WHEN 'high' THEN 3 END;

CREATE OR REPLACE MACRO met_yes_no(flag) AS CASE WHEN flag THEN 'yes' WHEN NOT flag THEN 'no' ELSE 'not known' END;

-- Every period of the four kinds that the data touches: from the month of the
-- earliest event to the month of the latest. `last_date` is the period's last day
-- (E in the risk definitions); `data_end` the latest day any event reaches (the same on
-- every row: a period that ends after it is not complete in the extracts).
CREATE OR REPLACE TABLE periods AS
WITH dates AS (
    SELECT reported_at::DATE AS d FROM missing_episodes
    UNION ALL SELECT returned_at::DATE FROM missing_episodes WHERE returned_at IS NOT NULL
    UNION ALL SELECT assessed_at FROM risk_assessments
    UNION ALL SELECT received_at FROM referrals
    UNION ALL SELECT referred_at FROM nrm_referrals
    UNION ALL SELECT submitted_at FROM intelligence
    UNION ALL SELECT action_date FROM disruptions
),
months AS (
    SELECT unnest(generate_series(date_trunc('month', min(d)), date_trunc('month', max(d)), INTERVAL 1 MONTH))::DATE AS m
    FROM dates
    HAVING count(*) > 0
),
starts AS (
    SELECT DISTINCT 'month' AS kind, m AS start_date, (m + INTERVAL 1 MONTH)::DATE AS end_date FROM months
    UNION SELECT DISTINCT 'quarter', date_trunc('quarter', m)::DATE, (date_trunc('quarter', m) + INTERVAL 3 MONTH)::DATE FROM months
    UNION SELECT DISTINCT 'fy', make_date(met_fy_start_year(m), 4, 1), make_date(met_fy_start_year(m) + 1, 4, 1) FROM months
    UNION SELECT DISTINCT 'year', make_date(year(m), 1, 1), make_date(year(m) + 1, 1, 1) FROM months
)
SELECT
    CASE kind
        WHEN 'month' THEN strftime(start_date, '%Y-%m')
        WHEN 'quarter' THEN strftime(start_date, '%Y') || '-Q' || quarter(start_date)
        WHEN 'fy' THEN met_fy_id(start_date)
        ELSE strftime(start_date, '%Y')
    END AS period_id,
    kind,
    start_date,
    end_date,
    (end_date - INTERVAL 1 DAY)::DATE AS last_date,
    -- The population year: the calendar year in which the period ends.
    year((end_date - INTERVAL 1 DAY)::DATE) AS population_year,
    (SELECT max(d) FROM dates) AS data_end
FROM starts;

ALTER TABLE periods ADD COLUMN prev_id VARCHAR;
UPDATE periods p SET prev_id = q.period_id
FROM periods q
WHERE q.kind = p.kind AND q.end_date = p.start_date;

-- The stored measures. One row per figure: a headline (breakdown = '') or one cell of
-- a breakdown, for one period, one area ('all' for the four together) and one age
-- scope ('*' where the measure names its own ages or has none). `num` is the count
-- the figure rests on and `den` its denominator; `value` is set only for medians.
-- Percentages, ratios and rates are worked out from num and den when read, so
-- that rounding happens once, in one place (lib/rounding.ts).
CREATE OR REPLACE TABLE measure_cells (
    measure    VARCHAR NOT NULL,
    period_id  VARCHAR NOT NULL,
    area       VARCHAR NOT NULL,
    scope      VARCHAR NOT NULL,
    breakdown  VARCHAR NOT NULL,
    key        VARCHAR NOT NULL,
    num        DOUBLE,
    den        DOUBLE,
    value      DOUBLE
);

-- Table-like measures (hotspots, group_profile, service_gaps, data quality): one JSON
-- row each, whose numeric fields are {"n": num, "d": den} cells like the above.
CREATE OR REPLACE TABLE measure_rows (
    measure    VARCHAR NOT NULL,
    period_id  VARCHAR NOT NULL,
    area       VARCHAR NOT NULL,
    scope      VARCHAR NOT NULL,
    ord        INTEGER NOT NULL,
    row        JSON NOT NULL
);

-- Population by area, locality, sex and age for the year each period uses: the
-- population.csv year equal to the calendar year in which the period ends, or the
-- latest earlier year (per area, so an area whose estimate is late still has one).
CREATE OR REPLACE TABLE period_population AS
WITH chosen AS (
    SELECT p.period_id, a.area, max(y.year) AS year
    FROM periods p
    CROSS JOIN (SELECT DISTINCT area FROM population) a
    JOIN (SELECT DISTINCT area, year FROM population) y ON y.area = a.area AND y.year <= p.population_year
    GROUP BY ALL
)
SELECT c.period_id, c.year, pop.area, pop.locality, pop.sex, pop.age, pop.population
FROM chosen c
JOIN population pop ON pop.area = c.area AND pop.year = c.year;
