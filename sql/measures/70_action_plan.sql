-- The MET action plan as the board reads it: each action's latest update, the update
-- before it, and which way it moved. The plan accumulates across refreshes (every
-- dated update is kept), so the movement is between an action's two latest updates.
--   moved  'new' with no earlier update; else 'up' when the RAG status improved
--          (red < amber < green; any other status, e.g. blue or complete, ranks as
--          red), 'down' when it worsened, 'same' otherwise.
--   ord    actions in the order of their dotted ids, numerically: 2.10 after 2.9.
CREATE OR REPLACE MACRO met_rag_rank(rag) AS CASE lower(rag) WHEN 'amber' THEN 1 WHEN 'green' THEN 2 ELSE 0 END;

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
SELECT 'moved', moved, count(*) FROM action_plan GROUP BY moved;
