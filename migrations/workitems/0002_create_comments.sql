-- Markdown comments on work items. Only the author edits; the author or a project admin deletes.
CREATE TABLE comments (
  id           TEXT PRIMARY KEY,            -- UUID v7
  work_item_id TEXT NOT NULL REFERENCES work_items (id),
  project_id   TEXT NOT NULL,               -- the item's project (denormalized for authorization and events)
  author_id    TEXT NOT NULL,
  body         TEXT NOT NULL,               -- markdown, 1 byte to 64 KiB
  version      INTEGER NOT NULL,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL,
  deleted_at   INTEGER
);
CREATE INDEX comments_by_work_item ON comments (work_item_id, created_at) WHERE deleted_at IS NULL;
