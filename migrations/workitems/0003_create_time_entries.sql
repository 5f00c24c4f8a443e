-- Time spent on work items: running timers (ended_at NULL) and finished or manually logged entries.
CREATE TABLE time_entries (
  id           TEXT PRIMARY KEY,            -- UUID v7
  work_item_id TEXT NOT NULL REFERENCES work_items (id),
  project_id   TEXT NOT NULL,
  user_id      TEXT NOT NULL,
  started_at   INTEGER NOT NULL,            -- Unix ms
  ended_at     INTEGER,                     -- NULL while the timer runs
  duration_ms  INTEGER NOT NULL DEFAULT 0,  -- ended_at - started_at once stopped; given for manual entries
  note         TEXT NOT NULL DEFAULT '',
  version      INTEGER NOT NULL,
  created_at   INTEGER NOT NULL,
  deleted_at   INTEGER
);
-- At most one running timer per user in a tenant.
CREATE UNIQUE INDEX time_entries_one_running_per_user ON time_entries (user_id) WHERE ended_at IS NULL AND deleted_at IS NULL;
CREATE INDEX time_entries_by_work_item ON time_entries (work_item_id, started_at) WHERE deleted_at IS NULL;
CREATE INDEX time_entries_by_user ON time_entries (user_id, started_at) WHERE deleted_at IS NULL;
