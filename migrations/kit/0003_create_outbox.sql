-- Events committed with their change and not yet acknowledged by the event log; the relay publishes them
-- in id order and deletes them once stored.
CREATE TABLE outbox (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id   TEXT NOT NULL UNIQUE,          -- also the de-duplication id on the bus
  subject    TEXT NOT NULL,                 -- agileboard.evt.<tenant>.<project>.<entity>
  payload    BLOB NOT NULL,                 -- agileboard.v1.Event, protobuf-encoded
  origin     TEXT NOT NULL DEFAULT '',      -- "<gateway>/<connection>" that asked, so it gets no echo
  created_at INTEGER NOT NULL
);
