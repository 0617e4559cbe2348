-- Data quality, for the analyst and for action 1.1. Not tied to a period or an area:
-- stored under period '*', area '*', scope '*'.

-- load_summary: per source and refresh (the last 24 refreshes): rows read, loaded,
-- quarantined, and the quarantine reasons with counts.
INSERT INTO measure_rows
SELECT 'load_summary', '*', '*', '*',
       row_number() OVER (ORDER BY r.started_at DESC, f.file),
       json_object(
           'refresh_id', f.refresh_id, 'started_at', strftime(r.started_at, '%Y-%m-%d %H:%M'),
           'file', f.file, 'source', f.source, 'status', f.status,
           'read', json_object('n', f.rows_read), 'loaded', json_object('n', f.rows_loaded),
           'quarantined', json_object('n', f.rows_quarantined),
           'reasons', f.reasons::JSON, 'error', f.error)
FROM refresh_files f
JOIN refreshes r USING (refresh_id)
WHERE r.refresh_id IN (SELECT refresh_id FROM refreshes ORDER BY started_at DESC LIMIT 24);

-- completeness: per source and column, % of loaded rows with a value.
CREATE OR REPLACE TEMP TABLE completeness_counts (source VARCHAR, "column" VARCHAR, filled BIGINT, total BIGINT);
INSERT INTO completeness_counts
SELECT 'missing_episodes', name, value, (SELECT count(*) FROM missing_episodes WHERE origin = 'missing_episodes')
FROM (UNPIVOT (SELECT count(COLUMNS(* EXCLUDE (origin, dates_only))) FROM missing_episodes WHERE origin = 'missing_episodes') ON COLUMNS(*) INTO NAME name VALUE value);
INSERT INTO completeness_counts
SELECT 'ssda903_missing', name, value, (SELECT count(*) FROM missing_episodes WHERE origin = 'ssda903')
FROM (UNPIVOT (SELECT count(COLUMNS(* EXCLUDE (origin, dates_only))) FROM missing_episodes WHERE origin = 'ssda903') ON COLUMNS(*) INTO NAME name VALUE value);
INSERT INTO completeness_counts
SELECT 'return_interviews', name, value, (SELECT count(*) FROM return_interviews)
FROM (UNPIVOT (SELECT count(COLUMNS(*)) FROM return_interviews) ON COLUMNS(*) INTO NAME name VALUE value);
INSERT INTO completeness_counts
SELECT 'risk_assessments', name, value, (SELECT count(*) FROM risk_assessments)
FROM (UNPIVOT (SELECT count(COLUMNS(* EXCLUDE (level_derived, level))) FROM risk_assessments) ON COLUMNS(*) INTO NAME name VALUE value);
-- A SERAF level counts as sent only where the partner sent it: a level the loader derived
-- from the score (level_derived) is not a value of the extract's level column.
INSERT INTO completeness_counts
SELECT 'risk_assessments', 'level', count(*) FILTER (WHERE NOT level_derived), count(*) FROM risk_assessments;
INSERT INTO completeness_counts
SELECT 'referrals', name, value, (SELECT count(*) FROM referrals)
FROM (UNPIVOT (SELECT count(COLUMNS(* EXCLUDE (factors))) FROM referrals) ON COLUMNS(*) INTO NAME name VALUE value);
-- factors is a list of codes: a cell that was empty, or only separators and spaces,
-- is stored as an empty list and is no value.
INSERT INTO completeness_counts
SELECT 'referrals', 'factors', count(*) FILTER (WHERE len(factors) > 0), count(*) FROM referrals;
INSERT INTO completeness_counts
SELECT 'nrm_referrals', name, value, (SELECT count(*) FROM nrm_referrals)
FROM (UNPIVOT (SELECT count(COLUMNS(*)) FROM nrm_referrals) ON COLUMNS(*) INTO NAME name VALUE value);
INSERT INTO completeness_counts
SELECT 'intelligence', name, value, (SELECT count(*) FROM intelligence)
FROM (UNPIVOT (SELECT count(COLUMNS(*)) FROM intelligence) ON COLUMNS(*) INTO NAME name VALUE value);
INSERT INTO completeness_counts
SELECT 'disruptions', name, value, (SELECT count(*) FROM disruptions)
FROM (UNPIVOT (SELECT count(COLUMNS(*)) FROM disruptions) ON COLUMNS(*) INTO NAME name VALUE value);
INSERT INTO completeness_counts
SELECT 'services', name, value, (SELECT count(*) FROM services)
FROM (UNPIVOT (SELECT count(COLUMNS(*)) FROM services) ON COLUMNS(*) INTO NAME name VALUE value);

INSERT INTO measure_rows
SELECT 'completeness', '*', '*', '*', row_number() OVER (ORDER BY source, "column"),
       json_object('source', source, 'column', "column", 'with_value_pct', json_object('n', filled, 'd', total))
FROM completeness_counts
WHERE total > 0;

-- timeliness: per source, the latest event date in the extract and the days from it
-- to the refresh that loaded it.
INSERT INTO measure_rows
WITH latest AS (
    SELECT 'missing_episodes' AS source, max(reported_at)::DATE AS latest FROM missing_episodes WHERE origin = 'missing_episodes'
    UNION ALL SELECT 'ssda903_missing', max(reported_at)::DATE FROM missing_episodes WHERE origin = 'ssda903'
    UNION ALL SELECT 'return_interviews', max(greatest(offered_at, completed_at))::DATE FROM return_interviews
    UNION ALL SELECT 'risk_assessments', max(assessed_at) FROM risk_assessments
    UNION ALL SELECT 'referrals', max(received_at) FROM referrals
    UNION ALL SELECT 'nrm_referrals', max(referred_at) FROM nrm_referrals
    UNION ALL SELECT 'intelligence', max(submitted_at) FROM intelligence
    UNION ALL SELECT 'disruptions', max(action_date) FROM disruptions
    UNION ALL SELECT 'actions', max(updated_at) FROM actions
    -- services.csv: the last day of its latest quarter.
    UNION ALL SELECT 'services', max(make_date(left(quarter, 4)::INTEGER, (right(quarter, 1)::INTEGER - 1) * 3 + 1, 1) + INTERVAL 3 MONTH - INTERVAL 1 DAY)::DATE FROM services
    UNION ALL SELECT 'population', make_date(max(year), 6, 30) FROM population
), loaded AS (
    SELECT source, max(loaded_at) AS loaded_at FROM source_state GROUP BY source
)
SELECT 'timeliness', '*', '*', '*', row_number() OVER (ORDER BY l.source),
       json_object('source', l.source, 'latest_event', strftime(l.latest, '%Y-%m-%d'),
                   'refreshed', strftime(s.loaded_at, '%Y-%m-%d'),
                   'days_behind', date_diff('day', l.latest, s.loaded_at::DATE))
FROM latest l
JOIN loaded s USING (source)
WHERE l.latest IS NOT NULL;

-- The measures this file writes, so that a measure the SQL never built is told apart
-- from one with no events (tests/sql/declared.test.ts ties these to model/measures).
-- returns_without_interview: the contract's "how many returns have no interview data".
-- Over every return in the warehouse (episodes with a returned_at, as the interview
-- measures count them: an episode sent both ways once; every age): those with no row in
-- return_interviews, per source of the episode (missing_episodes.csv, an SSDA903 return,
-- which no interview file can name) and for both together ('all').
INSERT INTO measure_rows
WITH r AS (
    SELECT CASE origin WHEN 'ssda903' THEN 'ssda903_missing' ELSE origin END AS source, returns, without_interview
    FROM returns_by_origin
), g AS (
    SELECT coalesce(source, 'all') AS source, sum(returns)::BIGINT AS returns, sum(without_interview)::BIGINT AS without
    FROM r GROUP BY ROLLUP (source)
)
SELECT 'returns_without_interview', '*', '*', '*',
       row_number() OVER (ORDER BY source = 'all', source),
       json_object('source', source, 'returns', json_object('n', returns),
                   'without_interview', json_object('n', without),
                   'without_interview_pct', json_object('n', without, 'd', returns))
FROM g
WHERE returns > 0;

DROP TABLE completeness_counts;

INSERT INTO measures_built VALUES ('load_summary', '60_data_quality.sql'), ('completeness', '60_data_quality.sql'), ('timeliness', '60_data_quality.sql'), ('returns_without_interview', '60_data_quality.sql');
