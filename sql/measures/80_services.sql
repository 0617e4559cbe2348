-- Provision: the commissioned services of services.csv (docs/definitions.md, "Provision
-- (services.csv)"). The commissioner's returns are quarterly, so these measures exist for
-- quarters, financial years and calendar years, never for a month. Each row is one
-- quarter, area, service and provider; the measures add a service's providers together.
-- An empty count in a row is "not given": it adds nothing, and a percentage or ratio takes
-- only the rows that give both of its counts.
--
-- Per period (a quarter, a financial year or a year), area (and 'all', the four added)
-- and service (breakdown 'service'; the headline is every service together):
--   service_referrals             referrals received in the period's quarters (sum).
--   service_accepted              referrals accepted in the period's quarters (sum).
--   service_capacity              places or caseload paid for in the period's quarters (sum:
--                                 a year's capacity is its four quarters' added up).
--   service_demand_ratio          demand against capacity: referrals received ÷ capacity, over
--                                 the rows that give a capacity (1.00 = at capacity; above 1,
--                                 more referrals than places).
--   service_started_in_target_pct started within target: started_within_target as a % of
--                                 referrals accepted, over the rows that give both.
--   service_waiting               referrals waiting at the period's end: waiting_at_end of the
--                                 period's last quarter (a financial year's Q1 of the next
--                                 calendar year, a year's Q4); none where that quarter has no return.
-- The ages do not apply (scope '*').

-- Each row with its start date and the periods it falls in; `last` marks the row whose
-- quarter is the period's last (for the waiting list).
CREATE OR REPLACE TEMP TABLE service_periods AS
WITH s AS (
    SELECT *, make_date(left(quarter, 4)::INTEGER, (right(quarter, 1)::INTEGER - 1) * 3 + 1, 1) AS d FROM services
)
SELECT s.*, p.period_id, p.last,
       a.area_x
FROM s
CROSS JOIN LATERAL (
    SELECT * FROM (VALUES
        (s.quarter, true),
        (met_fy_id(s.d), month(s.d) = 1),
        (strftime(s.d, '%Y'), month(s.d) = 10)
    ) v(period_id, last)
) p
CROSS JOIN LATERAL (SELECT unnest([s.area, 'all']) AS area_x) a;

-- One row per period, area and service (the headline: service '').
CREATE OR REPLACE TEMP TABLE service_sums AS
SELECT period_id, area_x AS area, service,
       sum(referrals_received) AS received,
       sum(referrals_accepted) AS accepted,
       sum(capacity) AS capacity,
       sum(referrals_received) FILTER (WHERE capacity IS NOT NULL) AS received_with_capacity,
       sum(started_within_target) FILTER (WHERE referrals_accepted IS NOT NULL) AS started,
       sum(referrals_accepted) FILTER (WHERE started_within_target IS NOT NULL) AS accepted_with_started,
       sum(waiting_at_end) FILTER (WHERE last) AS waiting,
       bool_or(last) AS has_last
FROM service_periods
GROUP BY GROUPING SETS ((period_id, area_x, service), (period_id, area_x));

INSERT INTO measure_cells
SELECT 'service_referrals', period_id, area, '*', CASE WHEN service IS NULL THEN '' ELSE 'service' END, coalesce(service, ''),
       coalesce(received, 0), NULL, NULL
FROM service_sums;

INSERT INTO measure_cells
SELECT 'service_accepted', period_id, area, '*', CASE WHEN service IS NULL THEN '' ELSE 'service' END, coalesce(service, ''),
       coalesce(accepted, 0), NULL, NULL
FROM service_sums;

INSERT INTO measure_cells
SELECT 'service_capacity', period_id, area, '*', CASE WHEN service IS NULL THEN '' ELSE 'service' END, coalesce(service, ''),
       coalesce(capacity, 0), NULL, NULL
FROM service_sums;

INSERT INTO measure_cells
SELECT 'service_demand_ratio', period_id, area, '*', CASE WHEN service IS NULL THEN '' ELSE 'service' END, coalesce(service, ''),
       coalesce(received_with_capacity, 0), coalesce(capacity, 0), NULL
FROM service_sums;

INSERT INTO measure_cells
SELECT 'service_started_in_target_pct', period_id, area, '*', CASE WHEN service IS NULL THEN '' ELSE 'service' END, coalesce(service, ''),
       coalesce(started, 0), coalesce(accepted_with_started, 0), NULL
FROM service_sums;

-- The waiting list only where the period's last quarter has a return.
INSERT INTO measure_cells
SELECT 'service_waiting', period_id, area, '*', CASE WHEN service IS NULL THEN '' ELSE 'service' END, coalesce(service, ''),
       coalesce(waiting, 0), NULL, NULL
FROM service_sums
WHERE has_last;

DROP TABLE service_sums;
DROP TABLE service_periods;

INSERT INTO measures_built VALUES
    ('service_referrals', '80_services.sql'),
    ('service_accepted', '80_services.sql'),
    ('service_capacity', '80_services.sql'),
    ('service_demand_ratio', '80_services.sql'),
    ('service_started_in_target_pct', '80_services.sql'),
    ('service_waiting', '80_services.sql');
