-- workitems' read model of the sprints service's sprints, fed by sprint events (and by a lookup when an
-- assignment names a sprint not seen yet): which project a sprint belongs to and whether it can take items.
CREATE TABLE sprints_view (
  sprint_id  TEXT PRIMARY KEY,
  project_id TEXT NOT NULL,
  status     TEXT NOT NULL CHECK (status IN ('planned', 'active', 'completed', 'cancelled', 'deleted')),
  version    INTEGER NOT NULL,                -- the sprint's version; older news never overwrites newer
  updated_at INTEGER NOT NULL
);
