-- The audit trail: one row per created/deleted/restored entity and one per changed field of an update,
-- written in the same transaction as the change.
CREATE TABLE activity_log (
  id          TEXT PRIMARY KEY,             -- UUID v7, so id order is time order
  entity_type TEXT NOT NULL,                -- "work_item", "project", "member", ...
  entity_id   TEXT NOT NULL,
  project_id  TEXT NOT NULL,
  action      TEXT NOT NULL,                -- "created", "updated", "deleted", "restored", ...
  field_name  TEXT,                         -- proto field name when action = "updated"
  old_value   TEXT,
  new_value   TEXT,
  user_id     TEXT NOT NULL,
  at          INTEGER NOT NULL              -- Unix ms
);
CREATE INDEX activity_log_by_project ON activity_log (project_id, at DESC, id DESC);
CREATE INDEX activity_log_by_entity ON activity_log (entity_id, at DESC, id DESC);
CREATE INDEX activity_log_by_user ON activity_log (user_id, at DESC, id DESC);
