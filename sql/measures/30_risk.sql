-- Risk (SERAF). At the period's last day E, take each person's most recent assessment
-- in any area with assessed_at ≤ E (on one day, the higher level, then the larger
-- assessment_id); they count in the area of that assessment. It is current when
-- assessed_at > E − D days (D = met_risk_current_days, 183). Ages are taken at E, from the dob on that assessment.
-- For a period the data does not reach to its end (one still in progress), E is the
-- latest day any event of the data reaches (periods.data_end): the state as far as the
-- data knows it, not on a day to come, by which every assessment would have lapsed
-- (docs/definitions.md, "E of a period the data does not reach").

-- An integer per person (exact: made once, no hashing), so that people are sorted and
-- matched cheaply.
CREATE OR REPLACE TEMP TABLE risk_ids AS
SELECT child_pseudonym, (row_number() OVER ())::INTEGER AS pid
FROM (SELECT DISTINCT child_pseudonym FROM risk_assessments);

-- One assessment per person per day: the higher level, then the larger assessment_id
-- (only the columns the measures read).
CREATE OR REPLACE TEMP TABLE seraf_day AS
SELECT i.pid, r.dob, r.area, r.locality, r.assessed_at, r.level, r.exploitation_type
FROM risk_assessments r
JOIN risk_ids i ON i.child_pseudonym = r.child_pseudonym
QUALIFY row_number() OVER (
    PARTITION BY i.pid, r.assessed_at
    ORDER BY met_level_rank(r.level) DESC, r.assessment_id DESC) = 1;

-- Each assessment stands as the person's latest until their next one.
CREATE OR REPLACE TEMP TABLE seraf_span AS
SELECT *, lead(assessed_at) OVER (PARTITION BY pid ORDER BY assessed_at) AS next_at
FROM seraf_day;

-- Each period's E (its last day, or the data's latest day where that is earlier) and the
-- previous period's (the day before its first day, or that same latest day).
CREATE OR REPLACE TEMP TABLE risk_reads AS
SELECT period_id,
       least(last_date, data_end) AS e,
       least((start_date - INTERVAL 1 DAY)::DATE, data_end) AS prev_e
FROM periods;

-- The dates risk is read at.
CREATE OR REPLACE TEMP TABLE risk_dates AS
SELECT DISTINCT e AS at_date FROM risk_reads
UNION
SELECT DISTINCT prev_e FROM risk_reads;

-- Each person's latest assessment at each such date, kept when it is at level low,
-- medium or high: a latest assessment at 'none' counts in no risk measure. A view, not
-- a table: its 4.8 million rows at scale 100 cost more to store than to join again for
-- the two queries that read it, each of which takes only the dates and columns it needs.
CREATE OR REPLACE TEMP VIEW risk_state AS
SELECT
    d.at_date, s.pid, s.area, s.locality, s.level, s.exploitation_type,
    met_age(s.dob, d.at_date) AS age,
    s.assessed_at > d.at_date - to_days(getvariable('met_risk_current_days')::INTEGER) AS is_current
FROM risk_dates d
JOIN seraf_span s ON s.assessed_at <= d.at_date AND (s.next_at IS NULL OR s.next_at > d.at_date)
WHERE s.level <> 'none';

-- Counts at each date. A person has one latest assessment, in one area, so these add
-- up across localities and areas, and across the two age bands of the scopes.
CREATE OR REPLACE TEMP TABLE risk_counts AS
SELECT at_date, area, locality, CASE WHEN age <= 17 THEN 'child' ELSE 'adult' END AS band,
       age = 17 AS aged_17, level, exploitation_type, is_current, count(*) AS n
FROM risk_state
WHERE age <= 24
GROUP BY ALL;

-- The counts at each period's end E, for each area and 'all', each age scope.
CREATE OR REPLACE TEMP TABLE risk_px AS
WITH p AS (SELECT p.period_id, c.* FROM risk_reads p JOIN risk_counts c ON c.at_date = p.e),
     a AS (SELECT * EXCLUDE (area), unnest([area, 'all']) AS area_x FROM p)
SELECT *, unnest(CASE band WHEN 'child' THEN ['0-17', '0-24'] ELSE ['18-24', '0-24'] END) AS scope FROM a;

-- children_at_risk: latest assessment current and at level low, medium or high;
-- split by level and by exploitation_type.
INSERT INTO measure_cells
SELECT 'children_at_risk', period_id, area_x, scope,
       CASE WHEN grouping(level) = 0 THEN 'level' WHEN grouping(exploitation_type) = 0 THEN 'exploitation_type' ELSE '' END,
       coalesce(level, exploitation_type, ''), sum(n), NULL, NULL
FROM risk_px
WHERE is_current
GROUP BY GROUPING SETS ((period_id, area_x, scope), (period_id, area_x, scope, level), (period_id, area_x, scope, exploitation_type));

-- risk_reviews_overdue: latest assessment at low/medium/high but not current
-- (assessed_at ≤ E − D days).
INSERT INTO measure_cells
SELECT 'risk_reviews_overdue', period_id, area_x, scope, '', '', sum(n), NULL, NULL
FROM risk_px WHERE NOT is_current GROUP BY ALL;

-- transitions: aged 17 at E, latest assessment current at medium or high (fixed ages;
-- read from the 0-17 scope so that nobody is counted twice).
INSERT INTO measure_cells
SELECT 'transitions', period_id, area_x, '*', '', '', sum(n), NULL, NULL
FROM risk_px WHERE scope = '0-17' AND aged_17 AND is_current AND level IN ('medium', 'high') GROUP BY ALL;

-- risk_escalations: children whose level at E is higher than at the previous period's
-- E (its last day, or the data's latest day), where the level at a date is that of
-- their current assessment, and 'none' when they have none.
INSERT INTO measure_cells
WITH escalated AS (
    SELECT p.period_id, s.area, s.age
    FROM risk_reads p
    JOIN risk_state s ON s.at_date = p.e AND s.is_current
    LEFT JOIN risk_state prev
           ON prev.at_date = p.prev_e
          AND prev.pid = s.pid AND prev.is_current
    WHERE met_level_rank(s.level) > coalesce(met_level_rank(prev.level), 0)
), a AS (SELECT period_id, age, unnest([area, 'all']) AS area_x FROM escalated)
SELECT 'risk_escalations', period_id, area_x, scope, '', '', count(*), NULL, NULL
FROM (SELECT period_id, area_x, unnest(met_scopes(age)) AS scope FROM a)
GROUP BY ALL;

-- Let go (risk_px is read by 40_identification.sql).
DROP TABLE risk_ids;
DROP TABLE seraf_day;
DROP TABLE seraf_span;
DROP TABLE risk_dates;
DROP TABLE risk_reads;
DROP VIEW risk_state;
DROP TABLE risk_counts;

-- The measures this file writes, so that a measure the SQL never built is told apart
-- from one with no events (tests/sql/declared.test.ts ties these to model/measures).
INSERT INTO measures_built VALUES ('children_at_risk', '30_risk.sql'), ('risk_reviews_overdue', '30_risk.sql'), ('risk_escalations', '30_risk.sql'), ('transitions', '30_risk.sql');
