-- Links between work items of one tenant: "blocks" (directed, never a cycle) and "relates_to".
CREATE TABLE dependencies (
  id               TEXT PRIMARY KEY,        -- UUID v7
  blocking_item_id TEXT NOT NULL REFERENCES work_items (id),
  blocked_item_id  TEXT NOT NULL REFERENCES work_items (id),
  kind             TEXT NOT NULL CHECK (kind IN ('blocks', 'relates_to')),
  project_id       TEXT NOT NULL,           -- the blocked item's project
  created_at       INTEGER NOT NULL,
  created_by       TEXT NOT NULL,
  deleted_at       INTEGER,
  CHECK (blocking_item_id <> blocked_item_id)
);
CREATE UNIQUE INDEX dependencies_unique_live ON dependencies (blocking_item_id, blocked_item_id, kind) WHERE deleted_at IS NULL;
CREATE INDEX dependencies_by_blocked ON dependencies (blocked_item_id) WHERE deleted_at IS NULL;
CREATE INDEX dependencies_by_blocking ON dependencies (blocking_item_id) WHERE deleted_at IS NULL;
