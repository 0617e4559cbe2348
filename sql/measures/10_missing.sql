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
--   is_repeat  the episode is at least the person's N-th (any classification, any area)
--              starting within the W days up to and including its start: the window
--              [start − W days, start], both ends included (RANGE includes episodes
--              starting at the same moment). N = met_repeat_episodes (3), W =
--              met_repeat_window_days (90): parameters of model/parameters.ts;
--   seconds    returned_at − reported_at in seconds, for episodes with a return whose
--              times are known (SSDA903 episodes are dates only and left out); the
--              median is turned into hours, 1 decimal, when read.
CREATE OR REPLACE TABLE episode_facts AS
SELECT
    e.*,
    met_age(e.dob, e.reported_at) AS age,
    count(*) OVER (
        PARTITION BY e.child_pseudonym ORDER BY e.reported_at
        RANGE BETWEEN to_days(getvariable('met_repeat_window_days')::INTEGER) PRECEDING AND CURRENT ROW
    ) >= getvariable('met_repeat_episodes')::INTEGER AS is_repeat,
    CASE WHEN e.returned_at IS NOT NULL AND NOT e.dates_only
         THEN date_diff('second', e.reported_at, e.returned_at) END AS seconds
FROM episodes e
ORDER BY e.reported_at;

-- Episodes by every period they start in, each area and 'all', each age scope: only
-- the columns the measures read, so that a million episodes stay a few hundred MB.
CREATE OR REPLACE TEMP TABLE ep_x AS
WITH p AS (
    SELECT child_pseudonym, area, locality, age, classification, source,
           met_yes_no(looked_after) AS looked_after, met_yes_no(placed_out_of_area) AS placed_out_of_area,
           is_repeat, seconds, returned_at IS NULL AS still_missing,
           unnest(met_period_ids(reported_at)) AS period_id
    FROM episode_facts
), a AS (SELECT * EXCLUDE (area), unnest([area, 'all']) AS area_x FROM p)
SELECT * EXCLUDE (age), unnest(met_scopes(age)) AS scope FROM a;

-- missing_episodes: episodes whose reported_at falls in the period (all classifications),
-- and split by classification, source, looked_after and placed_out_of_area: one pass.
INSERT INTO measure_cells
SELECT 'missing_episodes', period_id, area_x, scope,
       CASE WHEN grouping(classification) = 0 THEN 'classification'
            WHEN grouping(source) = 0 THEN 'source'
            WHEN grouping(looked_after) = 0 THEN 'looked_after'
            WHEN grouping(placed_out_of_area) = 0 THEN 'placed_out_of_area'
            ELSE '' END,
       coalesce(classification, source, looked_after, placed_out_of_area, ''),
       count(*), NULL, NULL
FROM ep_x
GROUP BY GROUPING SETS (
    (period_id, area_x, scope),
    (period_id, area_x, scope, classification),
    (period_id, area_x, scope, source),
    (period_id, area_x, scope, looked_after),
    (period_id, area_x, scope, placed_out_of_area));

-- The other missing measures, from one pass:
--   missing_children         distinct children and young people with at least one such episode;
--   episodes_per_child       missing_episodes / missing_children, 2 decimals;
--   repeat_missing_children  distinct people with an episode starting in the period that is at
--                            least their N-th within its W-day window (see is_repeat above);
--   median_missing_hours     median of (returned_at − reported_at) over episodes starting in the
--                            period that have a returned_at (times known); den = episodes used;
--   still_missing            episodes starting in the period with no returned_at in the extract.
CREATE OR REPLACE TEMP TABLE ep_agg AS
SELECT period_id, area_x, scope,
       count(*) AS episodes,
       count(DISTINCT child_pseudonym) AS children,
       count(DISTINCT child_pseudonym) FILTER (WHERE is_repeat) AS repeat_children,
       count(seconds) AS timed,
       median(seconds) AS median_seconds,
       count(*) FILTER (WHERE still_missing) AS still
FROM ep_x
GROUP BY ALL;

INSERT INTO measure_cells
SELECT 'missing_children', period_id, area_x, scope, '', '', children, NULL, NULL FROM ep_agg
UNION ALL SELECT 'episodes_per_child', period_id, area_x, scope, '', '', episodes, children, NULL FROM ep_agg
UNION ALL SELECT 'repeat_missing_children', period_id, area_x, scope, '', '', repeat_children, NULL, NULL FROM ep_agg
UNION ALL SELECT 'median_missing_hours', period_id, area_x, scope, '', '', NULL, timed, median_seconds FROM ep_agg
UNION ALL SELECT 'still_missing', period_id, area_x, scope, '', '', still, NULL, NULL FROM ep_agg;

-- The measures this file writes, so that a measure the SQL never built is told apart
-- from one with no events (tests/sql/declared.test.ts ties these to model/measures).
INSERT INTO measures_built VALUES ('missing_episodes', '10_missing.sql'), ('missing_children', '10_missing.sql'), ('episodes_per_child', '10_missing.sql'), ('repeat_missing_children', '10_missing.sql'), ('median_missing_hours', '10_missing.sql'), ('still_missing', '10_missing.sql');
