-- The event log position of each history row, so a report can first read what the log has beyond the
-- newest position recorded for its project (read-your-writes without waiting for the consumer).
ALTER TABLE work_item_history ADD COLUMN stream_seq INTEGER NOT NULL DEFAULT 0;
CREATE INDEX work_item_history_by_project_sequence ON work_item_history (project_id, stream_seq);
