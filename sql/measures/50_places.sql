-- Places and perpetrators.

-- hotspots: per locality in the period: missing episodes (of people in the age scope)
-- starting in the period and found there (whichever area was responsible), CPI
-- submissions there, disruptions there, and their total. Ranked within the locality's
-- own area (for 'all' too): rank = 1 + the number of the area's localities with a
-- larger total. A hotspot ranks ≤ ⌈P% of the area's localities⌉ with a total ≥ T
-- (P = met_hotspot_top_pct, 10; T = met_hotspot_min_total, 5).
-- Episodes found in each locality, counted by month and age band (0-17 or 18-24) first,
-- then spread to the periods (each a function of the month) and the age scopes (a band and 0-24).
CREATE OR REPLACE TEMP TABLE found_x AS
WITH m AS (
    SELECT found_locality AS locality, date_trunc('month', reported_at)::DATE AS month,
           CASE WHEN age <= 17 THEN '0-17' ELSE '18-24' END AS band, count(*) AS n
    FROM episode_facts WHERE found_locality IS NOT NULL AND age <= 24 GROUP BY ALL
), p AS (SELECT *, unnest(met_period_ids(month)) AS period_id FROM m)
SELECT locality, period_id, unnest([band, '0-24']) AS scope, n FROM p;

CREATE OR REPLACE TEMP TABLE place_totals AS
WITH s AS (SELECT unnest(['0-17', '18-24', '0-24']) AS scope),
     f AS (SELECT period_id, scope, locality, sum(n)::BIGINT AS n FROM found_x GROUP BY ALL),
     c AS (SELECT period_id, locality, count(*) AS n FROM (SELECT locality, unnest(met_period_ids(submitted_at)) AS period_id FROM intelligence) GROUP BY ALL),
     d AS (SELECT period_id, locality, count(*) AS n FROM (SELECT locality, unnest(met_period_ids(action_date)) AS period_id FROM disruptions WHERE locality IS NOT NULL) GROUP BY ALL)
SELECT p.period_id, p.prev_id, s.scope, l.area, l.locality,
       coalesce(f.n, 0) AS found, coalesce(c.n, 0) AS cpi, coalesce(d.n, 0) AS disruptions,
       coalesce(f.n, 0) + coalesce(c.n, 0) + coalesce(d.n, 0) AS total,
       count(*) OVER (PARTITION BY p.period_id, s.scope, l.area) AS area_localities
FROM periods p
CROSS JOIN localities l
CROSS JOIN s
LEFT JOIN f ON f.period_id = p.period_id AND f.scope = s.scope AND f.locality = l.locality
LEFT JOIN c ON c.period_id = p.period_id AND c.locality = l.locality
LEFT JOIN d ON d.period_id = p.period_id AND d.locality = l.locality;

INSERT INTO measure_rows
WITH ranked AS (
    SELECT t.*, rank() OVER (PARTITION BY t.period_id, t.scope, t.area ORDER BY t.total DESC) AS rank
    FROM place_totals t
)
SELECT 'hotspots', r.period_id, x.area_x, r.scope,
       row_number() OVER (PARTITION BY r.period_id, x.area_x, r.scope ORDER BY r.area, r.rank, r.locality),
       json_object(
           'locality', r.locality, 'area', r.area,
           'found', json_object('n', r.found), 'cpi', json_object('n', r.cpi),
           'disruptions', json_object('n', r.disruptions), 'total', json_object('n', r.total),
           'rank', r.rank,
           'hotspot', r.rank <= ceil(getvariable('met_hotspot_top_pct')::INTEGER * r.area_localities / 100) AND r.total >= getvariable('met_hotspot_min_total')::INTEGER,
           'previous_total', CASE WHEN prev.total IS NOT NULL THEN json_object('n', prev.total) END,
           -- change: total minus the previous period's, where there was a previous period.
           'change', CASE WHEN prev.total IS NOT NULL THEN json_object('n', r.total - prev.total) END)
FROM ranked r
CROSS JOIN LATERAL (SELECT unnest([r.area, 'all']) AS area_x) x
LEFT JOIN place_totals prev ON prev.period_id = r.prev_id AND prev.scope = r.scope AND prev.locality = r.locality;

-- cpi_submissions: CPI forms submitted in the period; by agency, theme and location_type.
CREATE OR REPLACE TEMP TABLE cpi_x AS
WITH p AS (SELECT area, agency, theme, location_type, unnest(met_period_ids(submitted_at)) AS period_id FROM intelligence)
SELECT *, unnest([area, 'all']) AS area_x FROM p;
INSERT INTO measure_cells SELECT 'cpi_submissions', period_id, area_x, '*', '', '', count(*), NULL, NULL FROM cpi_x GROUP BY ALL;
INSERT INTO measure_cells SELECT 'cpi_submissions', period_id, area_x, '*', 'agency', agency, count(*), NULL, NULL FROM cpi_x GROUP BY ALL;
INSERT INTO measure_cells SELECT 'cpi_submissions', period_id, area_x, '*', 'theme', theme, count(*), NULL, NULL FROM cpi_x GROUP BY ALL;
INSERT INTO measure_cells
SELECT 'cpi_submissions', period_id, area_x, '*', 'location_type', coalesce(location_type, 'not recorded'), count(*), NULL, NULL FROM cpi_x GROUP BY ALL;

-- disruptions: actions in the period; by action_type and theme;
-- offenders_disrupted: distinct offenders with an action in the period.
CREATE OR REPLACE TEMP TABLE dis_x AS
WITH p AS (SELECT area, action_type, theme, offender_pseudonym, unnest(met_period_ids(action_date)) AS period_id FROM disruptions)
SELECT *, unnest([area, 'all']) AS area_x FROM p;
INSERT INTO measure_cells SELECT 'disruptions', period_id, area_x, '*', '', '', count(*), NULL, NULL FROM dis_x GROUP BY ALL;
INSERT INTO measure_cells SELECT 'disruptions', period_id, area_x, '*', 'action_type', action_type, count(*), NULL, NULL FROM dis_x GROUP BY ALL;
INSERT INTO measure_cells SELECT 'disruptions', period_id, area_x, '*', 'theme', theme, count(*), NULL, NULL FROM dis_x GROUP BY ALL;
INSERT INTO measure_cells
SELECT 'offenders_disrupted', period_id, area_x, '*', '', '', count(DISTINCT offender_pseudonym), NULL, NULL FROM dis_x GROUP BY ALL;

DROP TABLE found_x;
DROP TABLE place_totals;
DROP TABLE cpi_x;
DROP TABLE dis_x;

-- The measures this file writes, so that a measure the SQL never built is told apart
-- from one with no events (tests/sql/declared.test.ts ties these to model/measures).
INSERT INTO measures_built VALUES ('hotspots', '50_places.sql'), ('cpi_submissions', '50_places.sql'), ('disruptions', '50_places.sql'), ('offenders_disrupted', '50_places.sql');
