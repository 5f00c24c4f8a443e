-- Projects of one tenant. The key (e.g. PAY) prefixes work item numbers: PAY-42.
CREATE TABLE projects (
  id          TEXT PRIMARY KEY,             -- UUID v7
  project_key TEXT NOT NULL,                -- 2-10 upper-case letters or digits
  name        TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  archived_at INTEGER,                      -- Unix ms; NULL while active (archived = read-only)
  version     INTEGER NOT NULL,             -- 1 on create, +1 per change (optimistic locking)
  created_at  INTEGER NOT NULL,
  created_by  TEXT NOT NULL,
  updated_at  INTEGER NOT NULL,
  updated_by  TEXT NOT NULL,
  deleted_at  INTEGER
);
CREATE UNIQUE INDEX projects_key_unique ON projects (project_key) WHERE deleted_at IS NULL;
