-- Re-index an item's text only when its title or description changed. Every UPDATE names those columns
-- (the repository writes the whole row), so `UPDATE OF title, description` alone re-indexed the text on each
-- move, rank change or assignment — most of the cost of a card move's commit.
DROP TRIGGER work_items_search_update;
CREATE TRIGGER work_items_search_update AFTER UPDATE OF title, description ON work_items
WHEN old.title IS NOT new.title OR old.description IS NOT new.description
BEGIN
  UPDATE work_items_search SET title = new.title, description = new.description WHERE rowid = new.rowid;
END;
