-- Identification, prevalence and groups.

-- Every MET event: a missing episode started, a SERAF assessment at level low,
-- medium or high, a referral carrying a MET factor code (met_factor_codes: 10A, 11A, 12A, 13A, 24A), or
-- an NRM referral. `ord` orders a person's events, so a breakdown can use the values on
-- their most recent event in the period: by time, then (for events at the same moment)
-- missing < SERAF < referral < NRM, then by the event's own id, so the order is total
-- and the same data always gives the same figures. It is the rank of (t to the second,
-- kind, event_id) among the person's own events (equal, equal ranks): the order compared
-- as one integer, and only ever between events of one person, so ranked person by person
-- (in parallel) rather than in one sort of every event. `pid` is an integer per person (one
-- per distinct pseudonym: exact, no hashing), so that people are grouped and counted cheaply.
-- `own_locality`: the event's locality is one of its area's own (a placement elsewhere
-- does not count for that area's localities).
CREATE OR REPLACE TEMP TABLE met_events AS
WITH e AS (
    SELECT child_pseudonym, area, locality, reported_at::DATE AS d, reported_at AS t, dob, sex, ethnicity,
           looked_after, disability, 1 AS kind, episode_id AS event_id
    FROM episode_facts
    UNION ALL
    SELECT child_pseudonym, area, locality, assessed_at, assessed_at::TIMESTAMP, dob, sex, ethnicity,
           looked_after, NULL, 2, assessment_id
    FROM risk_assessments WHERE level IN ('low', 'medium', 'high')
    UNION ALL
    SELECT child_pseudonym, area, locality, received_at, received_at::TIMESTAMP, dob, sex, ethnicity,
           NULL, NULL, 3, referral_id
    FROM referrals WHERE list_has_any(factors, getvariable('met_factor_codes')::VARCHAR[])
    UNION ALL
    SELECT child_pseudonym, area, NULL, referred_at, referred_at::TIMESTAMP, dob, sex, NULL,
           NULL, NULL, 4, nrm_id
    FROM nrm_referrals
)
SELECT e.area, e.locality, e.d, e.sex, e.ethnicity, e.looked_after, e.disability,
       met_age(e.dob, e.d) AS age,
       l.locality IS NOT NULL AS own_locality,
       i.pid,
       dense_rank() OVER (PARTITION BY i.pid ORDER BY date_trunc('second', e.t), e.kind, e.event_id) AS ord
FROM e
JOIN (SELECT child_pseudonym, (row_number() OVER ())::INTEGER AS pid FROM (SELECT DISTINCT child_pseudonym FROM e)) i
  ON i.child_pseudonym = e.child_pseudonym
LEFT JOIN (SELECT DISTINCT area, locality FROM localities) l ON l.locality = e.locality AND l.area = e.area;

-- The children (0–17 at the event) of each period and area (and 'all'), each with the
-- values of their most recent event in the period that carries each value; the
-- locality only from an event whose locality is its area's own. A value and the `ord`
-- of its event are packed into one integer, ord × 2^32 + the value's position in the
-- list of the values the events hold (`dict`: any number a file could hold; a person
-- with over 2^31 events would overflow BIGINT, which DuckDB stops with an error), so that "the
-- value of the most recent event" is a plain max(), and a max of maxes: people are
-- grouped by month first, and the months spread to their periods (met_period_ids). Then
-- the children are counted: all of them, and by each value the breakdowns split by
-- (`dimension`, `grp`), into `met_groups`, which met_children, group_profile and
-- service_gaps read. A child seen in one area only (in all the events) is counted in
-- 'all' as in that area, so 'all' adds up the areas' counts of such children; only the
-- few seen in more than one area (`multi`) are grouped again across areas, and counted once.
CREATE OR REPLACE TEMP TABLE met_groups AS
WITH dict AS (
    SELECT list(DISTINCT sex) FILTER (WHERE sex IS NOT NULL) AS sexes,
           list(DISTINCT ethnicity) FILTER (WHERE ethnicity IS NOT NULL) AS ethnicities,
           list(DISTINCT locality) FILTER (WHERE own_locality) AS localities
    FROM met_events WHERE age <= 17
), m AS (
    SELECT date_trunc('month', e.d)::DATE AS month, e.area, e.pid,
           max(e.ord * 4294967296 + e.age) AS age_k,
           max(e.ord * 4294967296 + CASE WHEN e.sex IS NOT NULL THEN list_position(dict.sexes, e.sex) END) AS sex_k,
           max(e.ord * 4294967296 + CASE WHEN e.ethnicity IS NOT NULL THEN list_position(dict.ethnicities, e.ethnicity) END) AS ethnicity_k,
           max(e.ord * 4294967296 + e.looked_after::INTEGER) AS looked_after_k,
           max(e.ord * 4294967296 + e.disability::INTEGER) AS disability_k,
           max(e.ord * 4294967296 + CASE WHEN e.own_locality THEN list_position(dict.localities, e.locality) END) AS locality_k
    FROM met_events e CROSS JOIN dict
    WHERE e.age <= 17
    GROUP BY ALL
-- The months spread to their periods through a lookup of the distinct months (met_period_ids
-- worked out once a month, not once a row: its dates as text cost more than the rest).
), mp AS (
    SELECT m.*, x.period_id
    FROM m JOIN (SELECT month, unnest(met_period_ids(month)) AS period_id FROM (SELECT DISTINCT month FROM m)) x
         ON x.month IS NOT DISTINCT FROM m.month
),
p AS (
    SELECT period_id, area, pid,
           max(age_k) AS age_k, max(sex_k) AS sex_k, max(ethnicity_k) AS ethnicity_k,
           max(looked_after_k) AS looked_after_k, max(disability_k) AS disability_k, max(locality_k) AS locality_k
    FROM mp GROUP BY ALL
-- (`area` is never NULL, sql/warehouse.sql: a NULL would not count as one more area.)
), multi AS (
    SELECT pid FROM m GROUP BY pid HAVING count(DISTINCT area) > 1
), g AS (
    SELECT p.period_id, p.area AS area_x, u.pid IS NOT NULL AS multi,
           p.age_k, p.sex_k, p.ethnicity_k, p.looked_after_k, p.disability_k, p.locality_k
    FROM p LEFT JOIN multi u ON u.pid = p.pid
    UNION ALL
    SELECT period_id, 'all', true, max(age_k), max(sex_k), max(ethnicity_k), max(looked_after_k), max(disability_k), max(locality_k)
    FROM p WHERE pid IN (SELECT pid FROM multi) GROUP BY period_id, pid
), people AS (
    SELECT g.period_id, g.area_x, g.multi,
           coalesce(dict.sexes[(g.sex_k % 4294967296)::INTEGER], 'U') AS sex,
           met_age_band((g.age_k % 4294967296)::INTEGER) AS age_band,
           coalesce(dict.ethnicities[(g.ethnicity_k % 4294967296)::INTEGER], 'Not known') AS ethnicity,
           met_yes_no(g.looked_after_k % 4294967296 = 1) AS looked_after,
           met_yes_no(g.disability_k % 4294967296 = 1) AS disability,
           dict.localities[(g.locality_k % 4294967296)::INTEGER] AS locality
    FROM g CROSS JOIN dict
), counted AS (
    SELECT period_id, area_x, multi,
           CASE WHEN grouping(locality) = 0 THEN 'locality'
                WHEN grouping(sex) = 0 THEN 'sex'
                WHEN grouping(age_band) = 0 THEN 'age_band'
                WHEN grouping(ethnicity) = 0 THEN 'ethnicity'
                WHEN grouping(looked_after) = 0 THEN 'looked_after'
                WHEN grouping(disability) = 0 THEN 'disability'
                ELSE '' END AS dimension,
           coalesce(locality, sex, age_band, ethnicity, looked_after, disability, '') AS grp,
           count(*) AS n
    FROM people
    GROUP BY GROUPING SETS ((period_id, area_x, multi), (period_id, area_x, multi, locality), (period_id, area_x, multi, sex),
                            (period_id, area_x, multi, age_band), (period_id, area_x, multi, ethnicity),
                            (period_id, area_x, multi, looked_after), (period_id, area_x, multi, disability))
    -- A child with no own locality in the period is in no locality group.
    HAVING grouping(locality) = 1 OR locality IS NOT NULL
)
SELECT period_id, area_x, dimension, grp, sum(n)::BIGINT AS n FROM counted WHERE area_x <> 'all' GROUP BY ALL
UNION ALL
-- 'all': the children seen in one area only, added up over the areas, and those seen in
-- more than one, counted once.
SELECT period_id, 'all', dimension, grp, sum(n)::BIGINT FROM counted WHERE area_x = 'all' OR NOT multi GROUP BY ALL;

-- met_children: distinct children aged 0–17 at the event with any MET event.
INSERT INTO measure_cells
SELECT 'met_children', period_id, area_x, '*', '', '', n, NULL, NULL FROM met_groups WHERE dimension = '';
-- … by locality: the child's locality on their most recent event in the period.
INSERT INTO measure_cells
SELECT 'met_children', period_id, area_x, '*', 'locality', grp, n, NULL, NULL FROM met_groups WHERE dimension = 'locality';

-- met_children_18_24: the same for young adults aged 18–24 at the event.
INSERT INTO measure_cells
WITH x AS (SELECT pid, area, unnest(met_period_ids(d)) AS period_id FROM met_events WHERE age BETWEEN 18 AND 24)
SELECT 'met_children_18_24', period_id, CASE WHEN grouping(area) = 1 THEN 'all' ELSE area END, '*', '', '',
       count(DISTINCT pid), NULL, NULL
FROM x GROUP BY GROUPING SETS ((period_id, area), (period_id));

-- Population denominators per period and area: 0–17 (prevalence) and each age scope
-- (the _per_10k companions). 'all' adds the four areas' denominators, each chosen
-- so; it is NULL when any area has no population at all for the period. An area
-- whose chosen year has no one of the scope's ages has a denominator of 0, not NULL.
CREATE OR REPLACE TEMP TABLE denominators AS
WITH per_area AS (
    SELECT p.period_id, a.area, s.scope,
           CASE WHEN EXISTS (SELECT 1 FROM period_population pp WHERE pp.period_id = p.period_id AND pp.area = a.area)
                THEN coalesce((SELECT sum(pp.population) FROM period_population pp
                               WHERE pp.period_id = p.period_id AND pp.area = a.area
                                 AND list_contains(met_scopes(pp.age), s.scope)), 0)
           END AS population
    FROM periods p
    CROSS JOIN (SELECT unnest(['Southampton', 'Portsmouth', 'Hampshire', 'Isle of Wight']) AS area) a
    CROSS JOIN (SELECT unnest(['0-17', '18-24', '0-24']) AS scope) s
)
SELECT period_id, area, scope, population FROM per_area
UNION ALL
SELECT period_id, 'all', scope, CASE WHEN count(population) = 4 THEN sum(population) END
FROM per_area GROUP BY ALL;

-- prevalence_per_10k: met_children / population aged 0–17 × 10,000.
INSERT INTO measure_cells
SELECT 'prevalence_per_10k', d.period_id, d.area, '*', '', '', coalesce(c.num, 0), d.population, NULL
FROM denominators d
LEFT JOIN measure_cells c
       ON c.measure = 'met_children' AND c.breakdown = '' AND c.period_id = d.period_id AND c.area = d.area
WHERE d.scope = '0-17';
-- … by locality, with the locality's own 0–17 population.
INSERT INTO measure_cells
SELECT 'prevalence_per_10k', lp.period_id, x.area_x, '*', 'locality', lp.locality, coalesce(c.num, 0), lp.population, NULL
FROM (SELECT period_id, area, locality, sum(population) AS population FROM period_population WHERE age <= 17 GROUP BY ALL) lp
CROSS JOIN LATERAL (SELECT unnest([lp.area, 'all']) AS area_x) x
LEFT JOIN measure_cells c
       ON c.measure = 'met_children' AND c.breakdown = 'locality' AND c.period_id = lp.period_id
      AND c.area = x.area_x AND c.key = lp.locality;

-- met_referrals: referrals received in the period carrying at least one MET code;
-- by referrer, and by code (a referral can carry several codes: not additive). Counted
-- by month of receipt, area and age band (0-17 or 18-24) first, then spread to the
-- periods, areas (and 'all') and age scopes (a band and 0-24).
CREATE OR REPLACE TEMP TABLE ref_x AS
WITH r AS (
    SELECT date_trunc('month', received_at)::DATE AS month, area, referrer,
           CASE WHEN met_age(dob, received_at) <= 17 THEN '0-17' ELSE '18-24' END AS band,
           list_filter(factors, f -> list_contains(getvariable('met_factor_codes')::VARCHAR[], f)) AS met_codes
    FROM referrals
    WHERE list_has_any(factors, getvariable('met_factor_codes')::VARCHAR[]) AND met_age(dob, received_at) <= 24
), c AS (
    SELECT month, area, band, referrer, NULL AS code, count(*) AS n FROM r GROUP BY ALL
    UNION ALL
    SELECT month, area, band, NULL, code, count(*) FROM (SELECT month, area, band, unnest(list_distinct(met_codes)) AS code FROM r) GROUP BY ALL
), p AS (SELECT *, unnest(met_period_ids(month)) AS period_id FROM c),
   a AS (SELECT *, unnest([area, 'all']) AS area_x FROM p)
SELECT period_id, area_x, unnest([band, '0-24']) AS scope, referrer, code, n FROM a;
INSERT INTO measure_cells
SELECT 'met_referrals', period_id, area_x, scope, '', '', sum(n)::BIGINT, NULL, NULL FROM ref_x WHERE referrer IS NOT NULL GROUP BY ALL;
INSERT INTO measure_cells
SELECT 'met_referrals', period_id, area_x, scope, 'referrer', referrer, sum(n)::BIGINT, NULL, NULL FROM ref_x WHERE referrer IS NOT NULL GROUP BY ALL;
INSERT INTO measure_cells
SELECT 'met_referrals', period_id, area_x, scope, 'code', code, sum(n)::BIGINT, NULL, NULL FROM ref_x WHERE code IS NOT NULL GROUP BY ALL;

-- nrm_referrals: NRM referrals in the period; by exploitation_type and first_responder.
CREATE OR REPLACE TEMP TABLE nrm_x AS
WITH r AS (SELECT area, first_responder, exploitation_type, reasonable_grounds, referred_at, met_age(dob, referred_at) AS age FROM nrm_referrals),
     p AS (SELECT *, unnest(met_period_ids(referred_at)) AS period_id FROM r),
     a AS (SELECT *, unnest([area, 'all']) AS area_x FROM p)
SELECT *, unnest(met_scopes(age)) AS scope FROM a;
INSERT INTO measure_cells
SELECT 'nrm_referrals', period_id, area_x, scope, '', '', count(*), NULL, NULL FROM nrm_x GROUP BY ALL;
INSERT INTO measure_cells
SELECT 'nrm_referrals', period_id, area_x, scope, 'exploitation_type', exploitation_type, count(*), NULL, NULL FROM nrm_x GROUP BY ALL;
INSERT INTO measure_cells
SELECT 'nrm_referrals', period_id, area_x, scope, 'first_responder', first_responder, count(*), NULL, NULL FROM nrm_x GROUP BY ALL;
-- nrm_positive_rg_pct: positive / (positive + negative) reasonable-grounds decisions.
INSERT INTO measure_cells
SELECT 'nrm_positive_rg_pct', period_id, area_x, scope, '', '',
       count(*) FILTER (WHERE reasonable_grounds = 'positive'),
       count(*) FILTER (WHERE reasonable_grounds IN ('positive', 'negative')), NULL
FROM nrm_x GROUP BY ALL;

-- The _per_10k companions: the count per 10,000 population of the age scope.
INSERT INTO measure_cells
SELECT m.measure || '_per_10k', d.period_id, d.area, d.scope, '', '', coalesce(c.num, 0), d.population, NULL
FROM denominators d
CROSS JOIN (SELECT unnest(['missing_children', 'children_at_risk', 'nrm_referrals']) AS measure) m
LEFT JOIN measure_cells c
       ON c.measure = m.measure AND c.breakdown = '' AND c.period_id = d.period_id
      AND c.area = d.area AND c.scope = d.scope;

-- group_profile: met_children split by sex, age band, ethnicity, looked_after and
-- disability (values of their most recent event in the period), each with its share of
-- met_children; for sex and age band also the population share (0–17, same area and
-- year as prevalence). The ratio of the two shares is worked out when read.
CREATE OR REPLACE TEMP TABLE profile_pop AS
WITH per_area AS (
    SELECT period_id, area, sex, met_age_band(age) AS band, sum(population) AS population
    FROM period_population WHERE age <= 17 GROUP BY ALL
)
SELECT period_id, unnest([area, 'all']) AS area_x, sex, band, population FROM per_area;

INSERT INTO measure_rows
WITH totals AS (
    SELECT period_id, area_x, n AS children FROM met_groups WHERE dimension = ''
), groups AS (
    SELECT period_id, area_x, dimension, grp, n FROM met_groups WHERE dimension NOT IN ('', 'locality')
), pop AS (
    SELECT period_id, area_x, 'sex' AS dimension, sex AS grp, sum(population) AS p FROM profile_pop GROUP BY ALL
    UNION ALL SELECT period_id, area_x, 'age_band', band, sum(population) FROM profile_pop GROUP BY ALL
), pop_total AS (
    SELECT period_id, area_x, sum(population) AS p FROM profile_pop GROUP BY ALL
)
SELECT 'group_profile', g.period_id, g.area_x, '*',
       row_number() OVER (PARTITION BY g.period_id, g.area_x ORDER BY
           CASE g.dimension WHEN 'sex' THEN 1 WHEN 'age_band' THEN 2 WHEN 'ethnicity' THEN 3 WHEN 'looked_after' THEN 4 ELSE 5 END, g.grp),
       json_object(
           'dimension', g.dimension, 'group', g.grp,
           'children', json_object('n', g.n),
           'share_pct', json_object('n', g.n, 'd', t.children),
           'population_share_pct', CASE WHEN pp.p IS NOT NULL THEN json_object('n', pp.p, 'd', pt.p) END,
           -- ratio: the group's share of MET children over its share of the population,
           -- (n / children) / (p / population) = n × population / (children × p), rounded when read.
           'ratio', CASE WHEN pp.p > 0 AND t.children > 0 THEN json_object('n', g.n * pt.p, 'd', t.children * pp.p) END)
FROM groups g
JOIN totals t USING (period_id, area_x)
LEFT JOIN pop pp ON pp.period_id = g.period_id AND pp.area_x = g.area_x AND pp.dimension = g.dimension AND pp.grp = g.grp
LEFT JOIN pop_total pt ON pt.period_id = g.period_id AND pt.area_x = g.area_x;

-- service_gaps: one row per locality of the area (for 'all', of every area), with the
-- measures computed for the children whose locality on the record is that locality.
--
-- `gap` (docs/definitions.md, "service_gaps gap"): a locality is a service gap when, beyond
-- chance, its prevalence is HIGHER than its own area's and its interview completion LOWER
-- than its own area's, as the public-health profiles (Fingertips) compare a figure with its
-- benchmark: the locality's 95% interval lies wholly on one side of the area's exact figure.
--   prevalence: Byar's 95% interval of the locality's MET children (its lower limit over the
--     locality's 0–17 population) above the area's prevalence: O_L / pop > num / den;
--   completion: the Wilson 95% interval of completed / returns (its upper limit) below the
--     area's completion: W_U < num / den;
--   and at least getvariable('met_gap_min_count') MET children and as many returns.
-- Always against the locality's OWN area (never 'all'), from the figures of the locality
-- under its own area, so the flag is the same under every view; exact figures throughout
-- (both sides multiplied out, never rounded). `gap_reason` says which test decided:
-- 'undefined' (a figure has no denominator), 'too_few', 'prevalence_not_higher',
-- 'completion_not_lower', or 'gap'. The formulas are lib/intervals.ts's (`byar`, `wilson`,
-- APHO Technical Briefing 3, §3.2–3.3), z = 1.959963984540054 (95%).
CREATE OR REPLACE MACRO met_byar_lower(o) AS
    CASE WHEN o = 0 THEN 0.0
         ELSE greatest(0.0, o * pow(1 - 1 / (9 * o) - 1.959963984540054 / (3 * sqrt(o)), 3)) END;
CREATE OR REPLACE MACRO met_wilson_upper(k, n) AS
    least(1.0, (2 * k + 1.959963984540054 ^ 2
                + 1.959963984540054 * sqrt(1.959963984540054 ^ 2 + 4 * k * (1 - k / n))) / (2 * (n + 1.959963984540054 ^ 2)));

CREATE OR REPLACE TEMP TABLE loc_list AS
SELECT l.area, l.locality, unnest([l.area, 'all']) AS area_x FROM localities l;

INSERT INTO measure_rows
WITH mc AS (SELECT period_id, area_x, grp AS locality, n FROM met_groups WHERE dimension = 'locality'),
     lp AS (SELECT period_id, locality, sum(population) AS population FROM period_population WHERE age <= 17 GROUP BY ALL),
     me AS (SELECT period_id, area_x, scope, locality, n FROM ep_locality),
     rc AS (SELECT period_id, area_x, scope, locality, completed AS n, returns AS d FROM ret_locality),
     rk AS (SELECT period_id, area_x, scope, locality,
                   coalesce(sum(n) FILTER (WHERE is_current), 0) AS at_risk,
                   coalesce(sum(n) FILTER (WHERE NOT is_current), 0) AS overdue
            FROM risk_px GROUP BY ALL),
     s AS (SELECT unnest(['0-17', '18-24', '0-24']) AS scope),
     -- The test, once per locality, period and scope, from the locality under its own area.
     t AS (
        SELECT p.period_id, ll.area, ll.locality, s.scope,
               coalesce(mc.n, 0) AS m, lp.population AS pop, ap.num AS ap_n, ap.den AS ap_d,
               coalesce(rc.n, 0) AS r_n, coalesce(rc.d, 0) AS r_d, ar.num AS ar_n, ar.den AS ar_d
        FROM periods p
        CROSS JOIN (SELECT DISTINCT area, locality FROM loc_list) ll
        CROSS JOIN s
        LEFT JOIN measure_cells ap ON ap.measure = 'prevalence_per_10k' AND ap.period_id = p.period_id AND ap.area = ll.area AND ap.breakdown = ''
        LEFT JOIN measure_cells ar ON ar.measure = 'rhi_completed_72h_pct' AND ar.period_id = p.period_id AND ar.area = ll.area AND ar.scope = s.scope AND ar.breakdown = ''
        LEFT JOIN mc ON mc.period_id = p.period_id AND mc.area_x = ll.area AND mc.locality = ll.locality
        LEFT JOIN lp ON lp.period_id = p.period_id AND lp.locality = ll.locality
        LEFT JOIN rc ON rc.period_id = p.period_id AND rc.area_x = ll.area AND rc.scope = s.scope AND rc.locality = ll.locality
     ),
     g AS (
        SELECT *,
               CASE WHEN coalesce(pop, 0) = 0 OR coalesce(ap_d, 0) = 0 OR r_d = 0 OR coalesce(ar_d, 0) = 0 THEN 'undefined'
                    WHEN m < getvariable('met_gap_min_count') OR r_d < getvariable('met_gap_min_count') THEN 'too_few'
                    -- O_L / pop > ap_n / ap_d, multiplied out
                    WHEN NOT (met_byar_lower(m) * ap_d > ap_n * pop) THEN 'prevalence_not_higher'
                    -- W_U < ar_n / ar_d, multiplied out
                    WHEN NOT (met_wilson_upper(r_n, r_d) * ar_d < ar_n) THEN 'completion_not_lower'
                    ELSE 'gap' END AS reason
        FROM t
     )
SELECT 'service_gaps', p.period_id, ll.area_x, s.scope,
       row_number() OVER (PARTITION BY p.period_id, ll.area_x, s.scope ORDER BY ll.area, ll.locality),
       json_object(
           'locality', ll.locality, 'area', ll.area,
           'met_children', json_object('n', coalesce(mc.n, 0)),
           'prevalence_per_10k', json_object('n', coalesce(mc.n, 0), 'd', lp.population),
           'missing_episodes', json_object('n', coalesce(me.n, 0)),
           'rhi_completed_72h_pct', json_object('n', coalesce(rc.n, 0), 'd', coalesce(rc.d, 0)),
           'children_at_risk', json_object('n', coalesce(rk.at_risk, 0)),
           'risk_reviews_overdue', json_object('n', coalesce(rk.overdue, 0)),
           -- The locality's own area's figures, which the flag compares with.
           'area_prevalence_per_10k', json_object('n', g.ap_n, 'd', g.ap_d),
           'area_rhi_completed_72h_pct', json_object('n', g.ar_n, 'd', g.ar_d),
           'gap', g.reason = 'gap',
           'gap_reason', g.reason)
FROM periods p
CROSS JOIN loc_list ll
CROSS JOIN s
JOIN g ON g.period_id = p.period_id AND g.area = ll.area AND g.locality = ll.locality AND g.scope = s.scope
LEFT JOIN mc ON mc.period_id = p.period_id AND mc.area_x = ll.area_x AND mc.locality = ll.locality
LEFT JOIN lp ON lp.period_id = p.period_id AND lp.locality = ll.locality
LEFT JOIN me ON me.period_id = p.period_id AND me.area_x = ll.area_x AND me.scope = s.scope AND me.locality = ll.locality
LEFT JOIN rc ON rc.period_id = p.period_id AND rc.area_x = ll.area_x AND rc.scope = s.scope AND rc.locality = ll.locality
LEFT JOIN rk ON rk.period_id = p.period_id AND rk.area_x = ll.area_x AND rk.scope = s.scope AND rk.locality = ll.locality;

-- Let go: this file's tables, and those of earlier families that only it reads.
DROP TABLE met_events;
DROP TABLE met_groups;
DROP TABLE denominators;
DROP TABLE ref_x;
DROP TABLE nrm_x;
DROP TABLE profile_pop;
DROP TABLE loc_list;
DROP TABLE ep_locality;
DROP TABLE ret_locality;
DROP TABLE risk_px;

-- The measures this file writes, so that a measure the SQL never built is told apart
-- from one with no events (tests/sql/declared.test.ts ties these to model/measures).
INSERT INTO measures_built VALUES ('met_children', '40_identification.sql'), ('met_children_18_24', '40_identification.sql'), ('prevalence_per_10k', '40_identification.sql'), ('met_referrals', '40_identification.sql'), ('nrm_referrals', '40_identification.sql'), ('nrm_positive_rg_pct', '40_identification.sql'), ('group_profile', '40_identification.sql'), ('service_gaps', '40_identification.sql'), ('missing_children_per_10k', '40_identification.sql'), ('children_at_risk_per_10k', '40_identification.sql'), ('nrm_referrals_per_10k', '40_identification.sql');
