-- Return home interviews: over episodes whose returned_at falls in the period, the
-- age taken at the episode's reported_at. Every such return is in the denominator,
-- whether or not an interview record exists for it (SSDA903 returns included).

-- One row per return, with what its interviews (if any) achieved.
CREATE OR REPLACE TEMP TABLE return_facts AS
SELECT
    e.episode_id, e.child_pseudonym, e.area, e.locality, e.age, e.returned_at, e.origin,
    -- an interview offered at or before returned_at + H hours (H = met_rhi_window_hours, 72), whatever its outcome
    coalesce(bool_or(r.offered_at <= e.returned_at + to_hours(getvariable('met_rhi_window_hours')::INTEGER)), false) AS offered_72h,
    -- an interview completed at or before returned_at + H hours
    coalesce(bool_or(r.completed_at <= e.returned_at + to_hours(getvariable('met_rhi_window_hours')::INTEGER)), false) AS completed_72h,
    coalesce(bool_or(r.outcome = 'declined'), false) AS declined,
    count(r.rhi_id) FILTER (WHERE r.exploitation_disclosed) AS disclosures,
    count(r.rhi_id) AS interviews
FROM episode_facts e
LEFT JOIN return_interviews r ON r.episode_id = e.episode_id
WHERE e.returned_at IS NOT NULL
GROUP BY ALL
ORDER BY e.returned_at;

CREATE OR REPLACE TEMP TABLE ret_x AS
WITH p AS (
    SELECT child_pseudonym, area, locality, age, offered_72h, completed_72h, declined, disclosures,
           unnest(met_period_ids(returned_at)) AS period_id
    FROM return_facts
), a AS (SELECT * EXCLUDE (area), unnest([area, 'all']) AS area_x FROM p)
SELECT * EXCLUDE (age), unnest(met_scopes(age)) AS scope FROM a;

-- One pass for the family:
--   returns                the number of such episodes;
--   rhi_offered_72h_pct    % of returns with an interview offered within H hours;
--   rhi_completed_72h_pct  % of returns with an interview completed within H hours;
--   rhi_declined_pct       % of returns with an interview whose outcome is declined;
--   rhi_disclosure_count   interviews for those returns flagged exploitation_disclosed.
CREATE OR REPLACE TEMP TABLE ret_agg AS
SELECT period_id, area_x, scope,
       count(*) AS returns,
       count(*) FILTER (WHERE offered_72h) AS offered,
       count(*) FILTER (WHERE completed_72h) AS completed,
       count(*) FILTER (WHERE declined) AS declined,
       sum(disclosures) AS disclosures
FROM ret_x
GROUP BY ALL;

INSERT INTO measure_cells
SELECT 'returns', period_id, area_x, scope, '', '', returns, NULL, NULL FROM ret_agg
UNION ALL SELECT 'rhi_offered_72h_pct', period_id, area_x, scope, '', '', offered, returns, NULL FROM ret_agg
UNION ALL SELECT 'rhi_completed_72h_pct', period_id, area_x, scope, '', '', completed, returns, NULL FROM ret_agg
UNION ALL SELECT 'rhi_declined_pct', period_id, area_x, scope, '', '', declined, returns, NULL FROM ret_agg
UNION ALL SELECT 'rhi_disclosure_count', period_id, area_x, scope, '', '', disclosures, NULL, NULL FROM ret_agg;

-- The measures this file writes, so that a measure the SQL never built is told apart
-- from one with no events (tests/sql/declared.test.ts ties these to model/measures).
INSERT INTO measures_built VALUES ('returns', '20_return_interviews.sql'), ('rhi_offered_72h_pct', '20_return_interviews.sql'), ('rhi_completed_72h_pct', '20_return_interviews.sql'), ('rhi_declined_pct', '20_return_interviews.sql'), ('rhi_disclosure_count', '20_return_interviews.sql');
