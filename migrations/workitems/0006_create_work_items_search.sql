-- Full-text index of work item titles and descriptions (FTS5, Unicode words, diacritics folded), kept in
-- step with work_items by triggers. Its rowid is the item's rowid in work_items (stable: tenant files are
-- never VACUUMed, and the backup API copies pages as they are).
CREATE VIRTUAL TABLE work_items_search USING fts5(title, description, tokenize = 'unicode61 remove_diacritics 2');
INSERT INTO work_items_search (rowid, title, description) SELECT rowid, title, description FROM work_items;
CREATE TRIGGER work_items_search_insert AFTER INSERT ON work_items BEGIN
  INSERT INTO work_items_search (rowid, title, description) VALUES (new.rowid, new.title, new.description);
END;
CREATE TRIGGER work_items_search_update AFTER UPDATE OF title, description ON work_items BEGIN
  UPDATE work_items_search SET title = new.title, description = new.description WHERE rowid = new.rowid;
END;
CREATE TRIGGER work_items_search_delete AFTER DELETE ON work_items BEGIN
  DELETE FROM work_items_search WHERE rowid = old.rowid;
END;
