-- Missing: episodes, children, repeat missing, duration, still missing.

-- The episodes the dataset counts. An SSDA903 episode also sent in
-- missing_episodes.csv (same child, same start date) counts once, as the
-- missing_episodes.csv row. (Every missing_episodes.csv row counts, so only the SSDA903
-- rows are looked up.)
CREATE OR REPLACE VIEW episodes AS
SELECT e.* FROM missing_episodes e WHERE e.origin = 'missing_episodes'
UNION ALL
SELECT e.*
FROM missing_episodes e
WHERE e.origin <> 'missing_episodes'
  AND NOT EXISTS (
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
-- The columns no measure reads (placement_type, risk_grading, dates_only) are left out:
-- this table is written to the warehouse file, a million rows at scale 100.
CREATE OR REPLACE TABLE episode_facts AS
SELECT
    e.* EXCLUDE (placement_type, risk_grading, dates_only),
    met_age(e.dob, e.reported_at) AS age,
    count(*) OVER (
        PARTITION BY e.child_pseudonym ORDER BY e.reported_at
        RANGE BETWEEN to_days(getvariable('met_repeat_window_days')::INTEGER) PRECEDING AND CURRENT ROW
    ) >= getvariable('met_repeat_episodes')::INTEGER AS is_repeat,
    CASE WHEN e.returned_at IS NOT NULL AND NOT e.dates_only
         THEN date_diff('second', e.reported_at, e.returned_at) END AS seconds
FROM episodes e;

-- How the measures below are counted, so that a million episodes stay cheap: every
-- period id of an event is a function of its month (met_period_ids), so counts are
-- added up by month first and spread to the periods after; an age of 0–17 belongs to
-- the scopes 0-17 and 0-24, one of 18–24 to 18-24 and 0-24, an older one to none
-- (met_scopes). Distinct people are counted over a small integer per person, made once
-- here (exact: no hashing), never over the pseudonyms themselves.
CREATE OR REPLACE TEMP TABLE ep_ids AS
SELECT child_pseudonym, (row_number() OVER ())::INTEGER AS pid
FROM (SELECT DISTINCT child_pseudonym FROM episode_facts);

-- Episodes of people aged 0–24 at the start by month, area, age band (0-17 or 18-24)
-- and the values the breakdowns split by.
CREATE OR REPLACE TEMP TABLE ep_counts AS
SELECT date_trunc('month', reported_at)::DATE AS month, area, CASE WHEN age <= 17 THEN '0-17' ELSE '18-24' END AS band,
       classification, source,
       met_yes_no(looked_after) AS looked_after, met_yes_no(placed_out_of_area) AS placed_out_of_area,
       count(*) AS n
FROM episode_facts
WHERE age <= 24
GROUP BY ALL;

-- missing_episodes: episodes whose reported_at falls in the period (all classifications),
-- and split by classification, source, looked_after and placed_out_of_area: one pass,
-- each area and 'all', each age scope.
INSERT INTO measure_cells
WITH p AS (SELECT *, unnest(met_period_ids(month)) AS period_id FROM ep_counts),
     a AS (SELECT *, unnest([area, 'all']) AS area_x FROM p),
     x AS (SELECT *, unnest([band, '0-24']) AS scope FROM a)
SELECT 'missing_episodes', period_id, area_x, scope,
       CASE WHEN grouping(classification) = 0 THEN 'classification'
            WHEN grouping(source) = 0 THEN 'source'
            WHEN grouping(looked_after) = 0 THEN 'looked_after'
            WHEN grouping(placed_out_of_area) = 0 THEN 'placed_out_of_area'
            ELSE '' END,
       coalesce(classification, source, looked_after, placed_out_of_area, ''),
       sum(n)::BIGINT, NULL, NULL
FROM x
GROUP BY GROUPING SETS (
    (period_id, area_x, scope),
    (period_id, area_x, scope, classification),
    (period_id, area_x, scope, source),
    (period_id, area_x, scope, looked_after),
    (period_id, area_x, scope, placed_out_of_area));

-- Episodes by period, area (and 'all'), age scope and locality of the record, for
-- service_gaps (sql/measures/40_identification.sql).
CREATE OR REPLACE TEMP TABLE ep_locality AS
WITH m AS (
    SELECT date_trunc('month', reported_at)::DATE AS month, area, locality,
           CASE WHEN age <= 17 THEN '0-17' ELSE '18-24' END AS band, count(*) AS n
    FROM episode_facts WHERE age <= 24 GROUP BY ALL
), p AS (SELECT *, unnest(met_period_ids(month)) AS period_id FROM m),
   a AS (SELECT *, unnest([area, 'all']) AS area_x FROM p),
   x AS (SELECT *, unnest([band, '0-24']) AS scope FROM a)
SELECT period_id, area_x, scope, locality, sum(n)::BIGINT AS n FROM x GROUP BY ALL;

-- The other missing measures, for each area and 'all', each age band (0-17, 18-24) and
-- 0-24:
--   missing_children         distinct children and young people with at least one such episode;
--   episodes_per_child       missing_episodes / missing_children, 2 decimals;
--   repeat_missing_children  distinct people with an episode starting in the period that is at
--                            least their N-th within its W-day window (see is_repeat above);
--   median_missing_hours     median of (returned_at − reported_at) over episodes starting in the
--                            period that have a returned_at (times known); den = episodes used;
--   still_missing            episodes starting in the period with no returned_at in the extract.
-- Counts of episodes add up: by month, area and band first (`m`), spread to the periods
-- and CUBE (area, band) after (`adds`). People do not add up: each person is kept once
-- per period, area and band (`p`, from their months), and counted once per period and
-- area, per period and band, and per period (`x`). Someone seen in one area and one age
-- band only (in all the data) is one row of `p` in each of those too, so they are
-- counted from the counts of `p` (`c`); only the few seen in more than one (`multi`)
-- are grouped again. The median is taken over every timed episode of the period (`med`).
CREATE OR REPLACE TEMP TABLE ep_agg AS
WITH e AS (
    SELECT i.pid, e.area, CASE WHEN e.age <= 17 THEN '0-17' ELSE '18-24' END AS band,
           date_trunc('month', e.reported_at)::DATE AS month, e.is_repeat, e.seconds, e.returned_at IS NULL AS still_missing
    FROM episode_facts e
    JOIN ep_ids i ON i.child_pseudonym = e.child_pseudonym
    WHERE e.age <= 24
), m AS (
    SELECT month, area, band, pid, count(*) AS episodes, bool_or(is_repeat) AS is_repeat,
           count(seconds) AS timed, count(*) FILTER (WHERE still_missing) AS still
    FROM e GROUP BY ALL
-- Months are spread to their periods through a lookup of the distinct months (met_period_ids
-- worked out once a month, not once a row: its dates as text cost more than the rest).
), month_ids AS (
    SELECT month, unnest(met_period_ids(month)) AS period_id FROM (SELECT DISTINCT month FROM e)
), mp AS (
    SELECT m.*, x.period_id FROM m JOIN month_ids x ON x.month IS NOT DISTINCT FROM m.month
),
p AS (
    SELECT period_id, area, band, pid, bool_or(is_repeat) AS is_repeat
    FROM mp GROUP BY ALL
-- (`area` is never NULL, sql/warehouse.sql, nor `band` here: a NULL would not count as one
-- more area or band, and its person would be counted twice.)
), multi AS (
    SELECT pid, count(DISTINCT area) > 1 AS multi_area, count(DISTINCT band) > 1 AS multi_band
    FROM m GROUP BY pid HAVING count(DISTINCT area) > 1 OR count(DISTINCT band) > 1
), pf AS (
    SELECT p.*, coalesce(u.multi_area, false) AS multi_area, coalesce(u.multi_band, false) AS multi_band
    FROM p LEFT JOIN multi u USING (pid)
), c AS (
    SELECT period_id, area, band, multi_area, multi_band, count(*) AS n, count(*) FILTER (WHERE is_repeat) AS r
    FROM pf GROUP BY ALL
), x AS (
    SELECT period_id, area, band, n, r FROM c
    UNION ALL
    SELECT period_id, area, NULL, n, r FROM c WHERE NOT multi_band
    UNION ALL
    SELECT period_id, area, NULL, 1, bool_or(is_repeat)::INTEGER FROM pf WHERE multi_band GROUP BY period_id, area, pid
    UNION ALL
    SELECT period_id, NULL, band, n, r FROM c WHERE NOT multi_area
    UNION ALL
    SELECT period_id, NULL, band, 1, bool_or(is_repeat)::INTEGER FROM pf WHERE multi_area GROUP BY period_id, band, pid
    UNION ALL
    SELECT period_id, NULL, NULL, n, r FROM c WHERE NOT multi_area AND NOT multi_band
    UNION ALL
    SELECT period_id, NULL, NULL, 1, bool_or(is_repeat)::INTEGER FROM pf WHERE multi_area OR multi_band GROUP BY period_id, pid
), counts AS (
    SELECT period_id, coalesce(area, 'all') AS area_x, coalesce(band, '0-24') AS scope,
           sum(n)::BIGINT AS children, sum(r)::BIGINT AS repeat_children
    FROM x GROUP BY ALL
), adds AS (
    SELECT period_id,
           CASE WHEN grouping(area) = 1 THEN 'all' ELSE area END AS area_x,
           CASE WHEN grouping(band) = 1 THEN '0-24' ELSE band END AS scope,
           sum(episodes)::BIGINT AS episodes, sum(timed)::BIGINT AS timed, sum(still)::BIGINT AS still
    FROM (SELECT *, unnest(met_period_ids(month)) AS period_id FROM (SELECT month, area, band, sum(episodes) AS episodes, sum(timed) AS timed, sum(still) AS still FROM m GROUP BY ALL))
    GROUP BY period_id, CUBE (area, band)
), med AS (
    SELECT period_id,
           CASE WHEN grouping(area) = 1 THEN 'all' ELSE area END AS area_x,
           CASE WHEN grouping(band) = 1 THEN '0-24' ELSE band END AS scope,
           median(seconds) AS median_seconds
    FROM (SELECT e.area, e.band, e.seconds, x.period_id FROM e JOIN month_ids x ON x.month IS NOT DISTINCT FROM e.month WHERE e.seconds IS NOT NULL)
    GROUP BY period_id, CUBE (area, band)
)
SELECT a.period_id, a.area_x, a.scope, a.episodes, c.children, c.repeat_children, a.timed, med.median_seconds, a.still
FROM adds a JOIN counts c USING (period_id, area_x, scope) LEFT JOIN med USING (period_id, area_x, scope);

INSERT INTO measure_cells
SELECT 'missing_children', period_id, area_x, scope, '', '', children, NULL, NULL FROM ep_agg
UNION ALL SELECT 'episodes_per_child', period_id, area_x, scope, '', '', episodes, children, NULL FROM ep_agg
UNION ALL SELECT 'repeat_missing_children', period_id, area_x, scope, '', '', repeat_children, NULL, NULL FROM ep_agg
UNION ALL SELECT 'median_missing_hours', period_id, area_x, scope, '', '', NULL, timed, median_seconds FROM ep_agg
UNION ALL SELECT 'still_missing', period_id, area_x, scope, '', '', still, NULL, NULL FROM ep_agg;

-- What only this file reads is let go (ep_locality is read by 40_identification.sql).
DROP TABLE ep_ids;
DROP TABLE ep_counts;
DROP TABLE ep_agg;

-- The measures this file writes, so that a measure the SQL never built is told apart
-- from one with no events (tests/sql/declared.test.ts ties these to model/measures).
INSERT INTO measures_built VALUES ('missing_episodes', '10_missing.sql'), ('missing_children', '10_missing.sql'), ('episodes_per_child', '10_missing.sql'), ('repeat_missing_children', '10_missing.sql'), ('median_missing_hours', '10_missing.sql'), ('still_missing', '10_missing.sql');
