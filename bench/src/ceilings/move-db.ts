// The product's write in miniature: one transaction updates an item's row and appends an outbox row,
// on a WAL database opened with the pragmas of packages/kit/src/storage/tenant-store.ts.
import BetterSqlite3 from "better-sqlite3";
import { join } from "node:path";

const ITEMS = 1_000;

export interface MoveDb {
  /** One committed transaction: UPDATE one item + INSERT one outbox row carrying `payload`. */
  move(payload: Uint8Array): void;
  close(): void;
}

export function openMoveDb(dir: string): MoveDb {
  const db = new BetterSqlite3(join(dir, "bench.db"));
  db.pragma("journal_mode = WAL");
  db.pragma("busy_timeout = 5000");
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  db.exec(`
    CREATE TABLE items (
      id TEXT PRIMARY KEY, status TEXT NOT NULL, rank TEXT NOT NULL,
      version INTEGER NOT NULL, updated_at INTEGER NOT NULL, updated_by TEXT NOT NULL
    );
    CREATE TABLE outbox (
      id INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL UNIQUE, subject TEXT NOT NULL,
      payload BLOB NOT NULL, origin TEXT NOT NULL DEFAULT '', created_at INTEGER NOT NULL
    );
  `);
  const insertItem = db.prepare("INSERT INTO items VALUES (?, 'todo', ?, 1, 0, 'bench')");
  db.transaction(() => {
    for (let i = 0; i < ITEMS; i++) insertItem.run(`item-${i}`, `r${String(i).padStart(6, "0")}`);
  })();
  const update = db.prepare("UPDATE items SET status = ?, rank = ?, version = version + 1, updated_at = ?, updated_by = 'bench' WHERE id = ?");
  const append = db.prepare("INSERT INTO outbox (event_id, subject, payload, origin, created_at) VALUES (?, ?, ?, '', ?)");
  let n = 0;
  const tx = db.transaction((payload: Uint8Array) => {
    n++;
    const now = Date.now();
    const item = `item-${n % ITEMS}`;
    if (update.run(n % 2 ? "in_progress" : "todo", `m${n}`, now, item).changes !== 1) throw new Error(`${item} not updated`);
    append.run(`evt-${process.pid}-${n}`, "agileboard.evt.bench.p1.item", payload, now);
  });
  return { move: (payload) => tx(payload), close: () => db.close() };
}
