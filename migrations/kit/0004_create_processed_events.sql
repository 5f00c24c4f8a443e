-- Events an event consumer of this service has applied to this tenant's file, so a redelivered event is
-- applied once. Written in the same transaction as the event's effects.
CREATE TABLE processed_events (
  consumer     TEXT NOT NULL,               -- durable consumer name, e.g. "workitems-sprint-events"
  event_id     TEXT NOT NULL,
  processed_at INTEGER NOT NULL,            -- Unix ms
  PRIMARY KEY (consumer, event_id)
);
CREATE INDEX processed_events_by_time ON processed_events (processed_at);
