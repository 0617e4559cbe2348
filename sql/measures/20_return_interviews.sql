-- Return home interviews: over episodes whose returned_at falls in the period, the
-- age taken at the episode's reported_at. Every such return is in the denominator,
-- whether or not an interview record exists for it (SSDA903 returns included).

-- One row per return, with what its interviews (if any) achieved.
CREATE OR REPLACE TABLE return_facts AS
SELECT
    e.episode_id, e.child_pseudonym, e.area, e.locality, e.age, e.returned_at, e.origin,
    -- an interview offered at or before returned_at + 72 hours, whatever its outcome
    coalesce(bool_or(r.offered_at <= e.returned_at + INTERVAL 72 HOURS), false) AS offered_72h,
    -- an interview completed at or before returned_at + 72 hours
    coalesce(bool_or(r.completed_at <= e.returned_at + INTERVAL 72 HOURS), false) AS completed_72h,
    coalesce(bool_or(r.outcome = 'declined'), false) AS declined,
    count(r.rhi_id) FILTER (WHERE r.exploitation_disclosed) AS disclosures,
    count(r.rhi_id) AS interviews
FROM episode_facts e
LEFT JOIN return_interviews r ON r.episode_id = e.episode_id
WHERE e.returned_at IS NOT NULL
GROUP BY ALL
ORDER BY e.returned_at;

CREATE OR REPLACE TEMP TABLE ret_x AS
WITH p AS (SELECT *, unnest(met_period_ids(returned_at)) AS period_id FROM return_facts),
     a AS (SELECT *, unnest([area, 'all']) AS area_x FROM p)
SELECT *, unnest(met_scopes(age)) AS scope FROM a;

-- returns: the number of such episodes.
INSERT INTO measure_cells
SELECT 'returns', period_id, area_x, scope, '', '', count(*), NULL, NULL FROM ret_x GROUP BY ALL;
-- rhi_offered_72h_pct: % of returns with an interview offered within 72 hours.
INSERT INTO measure_cells
SELECT 'rhi_offered_72h_pct', period_id, area_x, scope, '', '', count(*) FILTER (WHERE offered_72h), count(*), NULL FROM ret_x GROUP BY ALL;
-- rhi_completed_72h_pct: % of returns with an interview completed within 72 hours.
INSERT INTO measure_cells
SELECT 'rhi_completed_72h_pct', period_id, area_x, scope, '', '', count(*) FILTER (WHERE completed_72h), count(*), NULL FROM ret_x GROUP BY ALL;
-- rhi_declined_pct: % of returns with an interview whose outcome is declined.
INSERT INTO measure_cells
SELECT 'rhi_declined_pct', period_id, area_x, scope, '', '', count(*) FILTER (WHERE declined), count(*), NULL FROM ret_x GROUP BY ALL;
-- rhi_disclosure_count: interviews for those returns flagged exploitation_disclosed.
INSERT INTO measure_cells
SELECT 'rhi_disclosure_count', period_id, area_x, scope, '', '', sum(disclosures), NULL, NULL FROM ret_x GROUP BY ALL;
