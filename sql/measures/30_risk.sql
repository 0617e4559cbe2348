-- Risk (SERAF). At the period's last day E, take each person's most recent assessment
-- in any area with assessed_at ≤ E (on one day, the higher level, then the larger
-- assessment_id); they count in the area of that assessment. It is current when
-- assessed_at > E − 183 days. Ages are taken at E, from the dob on that assessment.

-- One assessment per person per day: the higher level, then the larger assessment_id.
CREATE OR REPLACE TEMP TABLE seraf_day AS
SELECT *
FROM risk_assessments
QUALIFY row_number() OVER (
    PARTITION BY child_pseudonym, assessed_at
    ORDER BY met_level_rank(level) DESC, assessment_id DESC) = 1;

-- Each assessment stands as the person's latest until their next one.
CREATE OR REPLACE TEMP TABLE seraf_span AS
SELECT *, lead(assessed_at) OVER (PARTITION BY child_pseudonym ORDER BY assessed_at) AS next_at
FROM seraf_day;

-- The dates risk is read at: every period's last day, and the day before every
-- period's first day (the end of the previous period, for escalations).
CREATE OR REPLACE TEMP TABLE risk_dates AS
SELECT DISTINCT last_date AS at_date FROM periods
UNION
SELECT DISTINCT (start_date - INTERVAL 1 DAY)::DATE FROM periods;

-- Each person's latest assessment at each such date.
CREATE OR REPLACE TABLE risk_state AS
SELECT
    d.at_date, s.child_pseudonym, s.assessment_id, s.area, s.locality, s.level,
    s.exploitation_type, s.assessed_at, s.dob,
    met_age(s.dob, d.at_date) AS age,
    s.assessed_at > d.at_date - INTERVAL 183 DAYS AS is_current
FROM risk_dates d
JOIN seraf_span s ON s.assessed_at <= d.at_date AND (s.next_at IS NULL OR s.next_at > d.at_date)
ORDER BY d.at_date;

-- The state at each period's end E, with the level at the previous period's end: the
-- level of the assessment current then, or 'none' when there was none.
CREATE OR REPLACE TEMP TABLE risk_p AS
SELECT p.period_id, s.*,
       coalesce(CASE WHEN prev.is_current THEN prev.level END, 'none') AS prev_level
FROM periods p
JOIN risk_state s ON s.at_date = p.last_date
LEFT JOIN risk_state prev
       ON prev.at_date = (p.start_date - INTERVAL 1 DAY)::DATE AND prev.child_pseudonym = s.child_pseudonym;

CREATE OR REPLACE TEMP TABLE risk_x AS
WITH a AS (SELECT *, unnest([area, 'all']) AS area_x FROM risk_p)
SELECT *, unnest(met_scopes(age)) AS scope FROM a;

-- children_at_risk: latest assessment current and at level low, medium or high;
-- split by level and by exploitation_type.
INSERT INTO measure_cells
SELECT 'children_at_risk', period_id, area_x, scope, '', '', count(*), NULL, NULL
FROM risk_x WHERE is_current AND level IN ('low', 'medium', 'high') GROUP BY ALL;
INSERT INTO measure_cells
SELECT 'children_at_risk', period_id, area_x, scope, 'level', level, count(*), NULL, NULL
FROM risk_x WHERE is_current AND level IN ('low', 'medium', 'high') GROUP BY ALL;
INSERT INTO measure_cells
SELECT 'children_at_risk', period_id, area_x, scope, 'exploitation_type', exploitation_type, count(*), NULL, NULL
FROM risk_x WHERE is_current AND level IN ('low', 'medium', 'high') GROUP BY ALL;

-- risk_reviews_overdue: latest assessment at low/medium/high but not current
-- (assessed_at ≤ E − 183 days).
INSERT INTO measure_cells
SELECT 'risk_reviews_overdue', period_id, area_x, scope, '', '', count(*), NULL, NULL
FROM risk_x WHERE NOT is_current AND level IN ('low', 'medium', 'high') GROUP BY ALL;

-- risk_escalations: level at E higher than at the last day of the previous period.
INSERT INTO measure_cells
SELECT 'risk_escalations', period_id, area_x, scope, '', '', count(*), NULL, NULL
FROM risk_x WHERE is_current AND met_level_rank(level) > met_level_rank(prev_level) GROUP BY ALL;

-- transitions: aged 17 at E, latest assessment current at medium or high (fixed ages).
INSERT INTO measure_cells
SELECT 'transitions', period_id, area_x, '*', '', '', count(*), NULL, NULL
FROM (SELECT DISTINCT period_id, area_x, child_pseudonym FROM risk_x
      WHERE age = 17 AND is_current AND level IN ('medium', 'high'))
GROUP BY ALL;
