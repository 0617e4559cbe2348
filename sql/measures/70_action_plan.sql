-- The MET action plan as the board reads it: each action's latest update, the update
-- before it, and which way it moved. The plan accumulates across refreshes (every
-- dated update is kept), so the movement is between an action's two latest updates.
--   moved  'new' with no earlier update; else 'up' when the RAG status improved
--          (red < amber < green; any other status, e.g. blue or complete, ranks as
--          red), 'down' when it worsened, 'same' otherwise.
--   ord    actions in the order of their dotted ids, numerically: 2.10 after 2.9.
--   due_by the last day of the month the due text names with its year ("April 2016",
--          "By Sept 2016": a month name or its first three letters, then a four-digit
--          year); none for a recurring or open due ("6 monthly", "6 monthly update
--          from March 2016", "TBC") or any other text.
--   overdue true when due_by is before the plan's latest update (the newest
--          updated_at of any action: the date the plan is as at, the same whenever it
--          is read) and the action's RAG is not green; false when it has a due_by and
--          is not overdue; none without a due_by.
CREATE OR REPLACE MACRO met_rag_rank(rag) AS CASE lower(rag) WHEN 'amber' THEN 1 WHEN 'green' THEN 2 ELSE 0 END;
CREATE OR REPLACE MACRO met_due_by(due) AS (
    WITH m AS (SELECT regexp_extract(due, '([A-Za-z]+)\.?\s+([0-9]{4})', ['mon', 'yr']) AS x)
    SELECT CASE
        WHEN due IS NULL OR regexp_matches(lower(due), 'monthly|weekly|yearly|annual|quarterly') THEN NULL
        WHEN list_position(['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'], lower(left(x.mon, 3))) > 0
             AND lower(x.mon) IN ('jan', 'january', 'feb', 'february', 'mar', 'march', 'apr', 'april', 'may', 'jun', 'june', 'jul', 'july',
                                  'aug', 'august', 'sep', 'sept', 'september', 'oct', 'october', 'nov', 'november', 'dec', 'december')
        THEN last_day(make_date(try_cast(x.yr AS INTEGER), list_position(['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'], lower(left(x.mon, 3))), 1))
    END FROM m
);

CREATE OR REPLACE TABLE action_plan AS
WITH ranked AS (
    SELECT *, row_number() OVER (PARTITION BY action_id ORDER BY updated_at DESC) AS n FROM actions
)
SELECT
    a.action_id, a.priority, a.title, a.owner, a.due, a.rag,
    b.rag AS previous_rag,
    CASE
        WHEN b.rag IS NULL THEN 'new'
        WHEN met_rag_rank(a.rag) > met_rag_rank(b.rag) THEN 'up'
        WHEN met_rag_rank(a.rag) < met_rag_rank(b.rag) THEN 'down'
        ELSE 'same'
    END AS moved,
    strftime(a.updated_at, '%Y-%m-%d') AS updated_at,
    a.progress,
    strftime(met_due_by(a.due), '%Y-%m-%d') AS due_by,
    CASE WHEN met_due_by(a.due) IS NOT NULL
         THEN met_due_by(a.due) < (SELECT max(updated_at) FROM actions) AND lower(a.rag) <> 'green' END AS overdue,
    row_number() OVER (ORDER BY
        array_to_string(list_transform(string_split(a.action_id, '.'), p -> CASE WHEN length(p) >= 4 THEN p ELSE lpad(p, 4, '0') END), '.'),
        a.action_id) AS ord
FROM ranked a
LEFT JOIN ranked b ON b.action_id = a.action_id AND b.n = 2
WHERE a.n = 1;

-- How many actions are at each RAG status, and how many moved each way.
CREATE OR REPLACE TABLE action_plan_summary AS
SELECT 'rag' AS what, rag AS key, count(*) AS n FROM action_plan GROUP BY rag
UNION ALL
SELECT 'moved', moved, count(*) FROM action_plan GROUP BY moved
UNION ALL
SELECT 'overdue', 'overdue', count(*) FILTER (WHERE overdue) FROM action_plan;
