-- The sprints service's read model of work items, fed by work item events: every version of every item
-- (sprint, status, points) at the time it changed. Reports are computed from it, never by asking workitems.
-- One row per (item, version), so a redelivered or late event changes nothing or lands in its place.
CREATE TABLE work_item_history (
  item_id      TEXT NOT NULL,
  version      INTEGER NOT NULL,
  project_id   TEXT NOT NULL,
  sprint_id    TEXT,                        -- NULL = backlog
  status       TEXT NOT NULL,               -- backlog, todo, in_progress, in_review, done
  story_points INTEGER,
  deleted      INTEGER NOT NULL,            -- 1 when this version is soft-deleted
  at           INTEGER NOT NULL,            -- when the change committed (the event's occurred_at_ms)
  PRIMARY KEY (item_id, version)
);
CREATE INDEX work_item_history_by_sprint ON work_item_history (sprint_id, item_id);
