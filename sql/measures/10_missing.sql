-- Missing: episodes, children, repeat missing, duration, still missing.

-- The episodes the dataset counts. An SSDA903 episode also sent in
-- missing_episodes.csv (same child, same start date) counts once, as the
-- missing_episodes.csv row.
CREATE OR REPLACE VIEW episodes AS
SELECT e.*
FROM missing_episodes e
WHERE e.origin = 'missing_episodes'
   OR NOT EXISTS (
        SELECT 1 FROM missing_episodes c
        WHERE c.origin = 'missing_episodes'
          AND c.child_pseudonym = e.child_pseudonym
          AND c.reported_at::DATE = e.reported_at::DATE);

-- One row per counted episode, with what the measures need:
--   age        age at reported_at;
--   is_repeat  the episode is at least the person's 3rd (any classification, any area)
--              starting within the 90 days up to and including its start: the window
--              [start − 90 days, start], both ends included (RANGE includes episodes
--              starting at the same moment);
--   seconds    returned_at − reported_at in seconds, for episodes with a return whose
--              times are known (SSDA903 episodes are dates only and left out); the
--              median is turned into hours, 1 decimal, when read.
CREATE OR REPLACE TABLE episode_facts AS
SELECT
    e.*,
    met_age(e.dob, e.reported_at) AS age,
    count(*) OVER (
        PARTITION BY e.child_pseudonym ORDER BY e.reported_at
        RANGE BETWEEN INTERVAL 90 DAYS PRECEDING AND CURRENT ROW
    ) >= 3 AS is_repeat,
    CASE WHEN e.returned_at IS NOT NULL AND NOT e.dates_only
         THEN date_diff('second', e.reported_at, e.returned_at) END AS seconds
FROM episodes e
ORDER BY e.reported_at;

-- Episodes by every period they start in, each area and 'all', each age scope.
CREATE OR REPLACE TEMP TABLE ep_x AS
WITH p AS (SELECT *, unnest(met_period_ids(reported_at)) AS period_id FROM episode_facts),
     a AS (SELECT *, unnest([area, 'all']) AS area_x FROM p)
SELECT *, unnest(met_scopes(age)) AS scope FROM a;

-- missing_episodes: episodes whose reported_at falls in the period (all classifications).
INSERT INTO measure_cells
SELECT 'missing_episodes', period_id, area_x, scope, '', '', count(*), NULL, NULL FROM ep_x GROUP BY ALL;
-- … split by classification, source, looked_after and placed_out_of_area.
INSERT INTO measure_cells
SELECT 'missing_episodes', period_id, area_x, scope, 'classification', classification, count(*), NULL, NULL FROM ep_x GROUP BY ALL;
INSERT INTO measure_cells
SELECT 'missing_episodes', period_id, area_x, scope, 'source', source, count(*), NULL, NULL FROM ep_x GROUP BY ALL;
INSERT INTO measure_cells
SELECT 'missing_episodes', period_id, area_x, scope, 'looked_after', met_yes_no(looked_after), count(*), NULL, NULL FROM ep_x GROUP BY ALL;
INSERT INTO measure_cells
SELECT 'missing_episodes', period_id, area_x, scope, 'placed_out_of_area', met_yes_no(placed_out_of_area), count(*), NULL, NULL FROM ep_x GROUP BY ALL;

-- missing_children: distinct children and young people with at least one such episode.
INSERT INTO measure_cells
SELECT 'missing_children', period_id, area_x, scope, '', '', count(DISTINCT child_pseudonym), NULL, NULL FROM ep_x GROUP BY ALL;

-- episodes_per_child: missing_episodes / missing_children, 2 decimals.
INSERT INTO measure_cells
SELECT 'episodes_per_child', period_id, area_x, scope, '', '', count(*), count(DISTINCT child_pseudonym), NULL FROM ep_x GROUP BY ALL;

-- repeat_missing_children: distinct people with an episode starting in the period
-- that is at least their 3rd within its 90-day window (N = 3, window = 90 days).
INSERT INTO measure_cells
SELECT 'repeat_missing_children', period_id, area_x, scope, '', '', count(DISTINCT child_pseudonym) FILTER (WHERE is_repeat), NULL, NULL
FROM ep_x GROUP BY ALL;

-- median_missing_hours: median of (returned_at − reported_at) in hours over episodes
-- starting in the period that have a returned_at (times known); `den` = episodes used.
INSERT INTO measure_cells
SELECT 'median_missing_hours', period_id, area_x, scope, '', '', NULL, count(seconds), median(seconds)
FROM ep_x GROUP BY ALL;

-- still_missing: episodes starting in the period with no returned_at in the extract.
INSERT INTO measure_cells
SELECT 'still_missing', period_id, area_x, scope, '', '', count(*) FILTER (WHERE returned_at IS NULL), NULL, NULL FROM ep_x GROUP BY ALL;
