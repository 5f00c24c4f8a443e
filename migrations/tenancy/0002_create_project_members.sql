-- Who may do what in a project. A removed member keeps the row with deleted_at set; re-adding restores it.
CREATE TABLE project_members (
  project_id TEXT NOT NULL REFERENCES projects (id),
  user_id    TEXT NOT NULL,                 -- the token's user_id (or sub)
  role       TEXT NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
  version    INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  updated_by TEXT NOT NULL,
  deleted_at INTEGER,
  PRIMARY KEY (project_id, user_id)
);
CREATE INDEX project_members_by_user ON project_members (user_id) WHERE deleted_at IS NULL;
