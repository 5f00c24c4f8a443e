-- One event on its way to one endpoint, and how it went: the delivery log admins read. A webhook has at
-- most one pending delivery of the project's events at a time (the head of its line); test deliveries wait
-- beside it.
CREATE TABLE webhook_deliveries (
  id                 TEXT PRIMARY KEY,                     -- UUID v7; the X-Agileboard-Delivery header
  webhook_id         TEXT NOT NULL REFERENCES webhooks (id),
  project_id         TEXT NOT NULL,
  event_id           TEXT NOT NULL,
  event_sequence     INTEGER NOT NULL,                     -- position in the event log; 0 for a test
  event_type         TEXT NOT NULL,                        -- Event.change case name, or "webhook_test"
  status             TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts           INTEGER NOT NULL DEFAULT 0,
  last_error         TEXT NOT NULL DEFAULT '',
  last_status_code   INTEGER NOT NULL DEFAULT 0,
  created_at         INTEGER NOT NULL,                     -- Unix ms; the retry window counts from here
  last_attempt_at    INTEGER,
  next_attempt_at    INTEGER,                              -- NULL unless pending
  delivered_at       INTEGER,
  payload            BLOB                                  -- the body of a test delivery (events are read from the log)
);
CREATE UNIQUE INDEX webhook_deliveries_by_event ON webhook_deliveries (webhook_id, event_id);
CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (webhook_id, created_at DESC, id DESC);
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (webhook_id, event_sequence) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_finished ON webhook_deliveries (created_at) WHERE status <> 'pending';
