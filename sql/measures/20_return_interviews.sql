-- Return home interviews: over episodes whose returned_at falls in the period, the
-- age taken at the episode's reported_at. Every such return is in the denominator,
-- whether or not an interview record exists for it (SSDA903 returns included).

-- Each episode's interview records, as what they achieved: the earliest offer and the
-- earliest completion (an interview offered or completed within the window below exists
-- exactly when the earliest one was), any declined, and how many disclosed exploitation.
CREATE OR REPLACE TEMP TABLE rhi_by_episode AS
SELECT episode_id,
       min(offered_at) AS first_offered,
       min(completed_at) AS first_completed,
       bool_or(outcome = 'declined') AS declined,
       count(*) FILTER (WHERE exploitation_disclosed) AS disclosures,
       count(*) AS interviews
FROM return_interviews
GROUP BY episode_id;

-- One row per return (an episode with a returned_at), with what its interviews (if any) achieved.
CREATE OR REPLACE TEMP TABLE return_facts AS
SELECT
    e.area, e.locality, e.age, e.returned_at, e.origin,
    -- an interview offered at or before returned_at + H hours (H = met_rhi_window_hours, 72), whatever its outcome
    coalesce(r.first_offered <= e.returned_at + to_hours(getvariable('met_rhi_window_hours')::INTEGER), false) AS offered_72h,
    -- an interview completed at or before returned_at + H hours
    coalesce(r.first_completed <= e.returned_at + to_hours(getvariable('met_rhi_window_hours')::INTEGER), false) AS completed_72h,
    coalesce(r.declined, false) AS declined,
    coalesce(r.disclosures, 0) AS disclosures,
    coalesce(r.interviews, 0) AS interviews
FROM episode_facts e
LEFT JOIN rhi_by_episode r ON r.episode_id = e.episode_id
WHERE e.returned_at IS NOT NULL;

-- Returns of people aged 0–24 (age at reported_at) by month of returned_at, area,
-- locality of the record and age band (0-17 or 18-24): every period id is a function of
-- the month, and these counts add up, so they are spread to the periods, areas (and
-- 'all') and age scopes (a band and 0-24) after.
CREATE OR REPLACE TEMP TABLE ret_counts AS
WITH m AS (
    SELECT date_trunc('month', returned_at)::DATE AS month, area, locality,
           CASE WHEN age <= 17 THEN '0-17' ELSE '18-24' END AS band,
           count(*) AS returns,
           count(*) FILTER (WHERE offered_72h) AS offered,
           count(*) FILTER (WHERE completed_72h) AS completed,
           count(*) FILTER (WHERE declined) AS declined,
           sum(disclosures) AS disclosures
    FROM return_facts
    WHERE age <= 24
    GROUP BY ALL
), p AS (SELECT *, unnest(met_period_ids(month)) AS period_id FROM m),
   a AS (SELECT *, unnest([area, 'all']) AS area_x FROM p)
SELECT period_id, area_x, locality, unnest([band, '0-24']) AS scope, returns, offered, completed, declined, disclosures FROM a;

-- By locality, for service_gaps (sql/measures/40_identification.sql).
CREATE OR REPLACE TEMP TABLE ret_locality AS
SELECT period_id, area_x, scope, locality, sum(completed)::BIGINT AS completed, sum(returns)::BIGINT AS returns
FROM ret_counts GROUP BY ALL;

-- One pass for the family:
--   returns                the number of such episodes;
--   rhi_offered_72h_pct    % of returns with an interview offered within H hours;
--   rhi_completed_72h_pct  % of returns with an interview completed within H hours;
--   rhi_declined_pct       % of returns with an interview whose outcome is declined;
--   rhi_disclosure_count   interviews for those returns flagged exploitation_disclosed.
CREATE OR REPLACE TEMP TABLE ret_agg AS
SELECT period_id, area_x, scope,
       sum(returns)::BIGINT AS returns,
       sum(offered)::BIGINT AS offered,
       sum(completed)::BIGINT AS completed,
       sum(declined)::BIGINT AS declined,
       sum(disclosures) AS disclosures
FROM ret_counts
GROUP BY ALL;

INSERT INTO measure_cells
SELECT 'returns', period_id, area_x, scope, '', '', returns, NULL, NULL FROM ret_agg
UNION ALL SELECT 'rhi_offered_72h_pct', period_id, area_x, scope, '', '', offered, returns, NULL FROM ret_agg
UNION ALL SELECT 'rhi_completed_72h_pct', period_id, area_x, scope, '', '', completed, returns, NULL FROM ret_agg
UNION ALL SELECT 'rhi_declined_pct', period_id, area_x, scope, '', '', declined, returns, NULL FROM ret_agg
UNION ALL SELECT 'rhi_disclosure_count', period_id, area_x, scope, '', '', disclosures, NULL, NULL FROM ret_agg;

-- Returns and those with no interview record, by the source of the episode, for the
-- data quality measure returns_without_interview (60_data_quality.sql). Kept in the
-- warehouse (a handful of rows) so that a refresh that rebuilds data quality but not
-- this family copies it rather than running this file again.
CREATE OR REPLACE TABLE returns_by_origin AS
SELECT origin, count(*) AS returns, count(*) FILTER (WHERE interviews = 0) AS without_interview
FROM return_facts
GROUP BY origin;

-- What only this file reads is let go (ret_locality is read by 40_identification.sql).
DROP TABLE return_facts;
DROP TABLE rhi_by_episode;
DROP TABLE ret_counts;
DROP TABLE ret_agg;

-- The measures this file writes, so that a measure the SQL never built is told apart
-- from one with no events (tests/sql/declared.test.ts ties these to model/measures).
INSERT INTO measures_built VALUES ('returns', '20_return_interviews.sql'), ('rhi_offered_72h_pct', '20_return_interviews.sql'), ('rhi_completed_72h_pct', '20_return_interviews.sql'), ('rhi_declined_pct', '20_return_interviews.sql'), ('rhi_disclosure_count', '20_return_interviews.sql');
