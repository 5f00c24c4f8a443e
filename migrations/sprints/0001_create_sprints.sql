-- Sprints of every project of one tenant.
CREATE TABLE sprints (
  id                   TEXT PRIMARY KEY,    -- UUID v7
  project_id           TEXT NOT NULL,
  name                 TEXT NOT NULL,
  goal                 TEXT NOT NULL DEFAULT '',
  starts_at            INTEGER NOT NULL DEFAULT 0,   -- planned start, Unix ms (0 = not set)
  ends_at              INTEGER NOT NULL DEFAULT 0,   -- planned end, Unix ms (0 = not set)
  status               TEXT NOT NULL CHECK (status IN ('planned', 'active', 'completed', 'cancelled')),
  started_at           INTEGER,             -- when it actually started
  completed_at         INTEGER,             -- when it completed or was cancelled
  carry_over_sprint_id TEXT,                -- where unfinished items went on completion (NULL = backlog)
  version              INTEGER NOT NULL,
  created_at           INTEGER NOT NULL,
  created_by           TEXT NOT NULL,
  updated_at           INTEGER NOT NULL,
  updated_by           TEXT NOT NULL,
  deleted_at           INTEGER
);
-- At most one active sprint per project, even under concurrent starts.
CREATE UNIQUE INDEX sprints_one_active_per_project ON sprints (project_id) WHERE status = 'active' AND deleted_at IS NULL;
CREATE INDEX sprints_by_project ON sprints (project_id, created_at) WHERE deleted_at IS NULL;
