-- Endpoints that receive a project's events. Each keeps its place in the project's event log: every event
-- of the project up to delivered_through_sequence has been delivered (or given up on), in log order.
CREATE TABLE webhooks (
  id                         TEXT PRIMARY KEY,             -- UUID v7
  project_id                 TEXT NOT NULL,                -- tenancy's project id
  url                        TEXT NOT NULL,                -- http(s) endpoint
  events                     TEXT NOT NULL DEFAULT '[]',   -- JSON array of Event.change case names; [] = every event
  secret                     TEXT NOT NULL,                -- HMAC-SHA256 key of the signature header
  active                     INTEGER NOT NULL DEFAULT 1,   -- 0 = paused: events wait
  delivered_through_sequence INTEGER NOT NULL,             -- event log position the endpoint is caught up to
  version                    INTEGER NOT NULL,
  created_at                 INTEGER NOT NULL,             -- Unix ms
  created_by                 TEXT NOT NULL,
  updated_at                 INTEGER NOT NULL,
  updated_by                 TEXT NOT NULL,
  deleted_at                 INTEGER                       -- soft delete; NULL while live
);
CREATE INDEX webhooks_by_project ON webhooks (project_id, created_at, id) WHERE deleted_at IS NULL;
