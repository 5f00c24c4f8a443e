import type { Database } from "better-sqlite3";

/**
 * Memoizes something built from one database, typically its prepared statements: built on first use, kept
 * as long as the connection lives, gone with it (a closed database is never looked up again).
 */
export function perDatabase<T>(build: (db: Database) => T): (db: Database) => T {
  const cache = new WeakMap<Database, T>();
  return (db) => {
    let value = cache.get(db);
    if (value === undefined) {
      value = build(db);
      cache.set(db, value);
    }
    return value;
  };
}
