-- Epics, stories, tasks and bugs of every project of one tenant.
CREATE TABLE work_items (
  id           TEXT PRIMARY KEY,            -- UUID v7
  project_id   TEXT NOT NULL,               -- tenancy's project id
  item_number  INTEGER NOT NULL,            -- per-project sequence: PAY-42 has item_number 42
  item_type    TEXT NOT NULL CHECK (item_type IN ('epic', 'story', 'task', 'bug')),
  parent_id    TEXT REFERENCES work_items (id),
  title        TEXT NOT NULL,
  description  TEXT NOT NULL DEFAULT '',    -- markdown
  status       TEXT NOT NULL CHECK (status IN ('backlog', 'todo', 'in_progress', 'in_review', 'done')),
  priority     TEXT NOT NULL CHECK (priority IN ('low', 'medium', 'high', 'critical')),
  assignee_id  TEXT,
  story_points INTEGER CHECK (story_points BETWEEN 0 AND 100),
  sprint_id    TEXT,
  rank         TEXT NOT NULL,               -- fractional ordering key; a move rewrites only this row
  labels       TEXT NOT NULL DEFAULT '[]',  -- JSON array of strings
  version      INTEGER NOT NULL,            -- 1 on create, +1 per change (optimistic locking)
  created_at   INTEGER NOT NULL,            -- Unix ms
  created_by   TEXT NOT NULL,
  updated_at   INTEGER NOT NULL,
  updated_by   TEXT NOT NULL,
  deleted_at   INTEGER                      -- soft delete; NULL while live
);
CREATE UNIQUE INDEX work_items_by_number ON work_items (project_id, item_number);
-- Live items have distinct ranks, so a key between two neighbours always exists.
CREATE UNIQUE INDEX work_items_by_rank ON work_items (project_id, rank) WHERE deleted_at IS NULL;
CREATE INDEX work_items_by_parent ON work_items (parent_id) WHERE deleted_at IS NULL;
CREATE INDEX work_items_by_sprint ON work_items (sprint_id) WHERE deleted_at IS NULL;
CREATE INDEX work_items_by_assignee ON work_items (assignee_id) WHERE deleted_at IS NULL;
