import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Database } from "better-sqlite3";

/** One schema change: `id` is `<namespace>/<file name>`, e.g. "workitems/0001_create_work_items.sql". */
export interface Migration {
  id: string;
  sql: string;
}

const MIGRATION_FILE = /^(\d{4})_[a-z0-9_]+\.sql$/;

/**
 * Reads `<root>/<namespace>/NNNN_name.sql` for each namespace, in the order given and by number within
 * each. The kit's own tables live in namespace "kit", applied before the service's.
 */
export function loadMigrations(root: string, namespaces: readonly string[]): Migration[] {
  const migrations: Migration[] = [];
  for (const namespace of namespaces) {
    const dir = join(root, namespace);
    const files = readdirSync(dir).filter((f) => f.endsWith(".sql"));
    const bad = files.filter((f) => !MIGRATION_FILE.test(f));
    if (bad.length > 0) throw new Error(`migration files must be named NNNN_name.sql: ${bad.join(", ")} in ${dir}`);
    for (const file of files.sort()) {
      migrations.push({ id: `${namespace}/${file}`, sql: readFileSync(join(dir, file), "utf8") });
    }
  }
  return migrations;
}

/** Applies, each in its own transaction, the migrations a database has not seen. Returns the ids applied. */
export function applyMigrations(db: Database, migrations: readonly Migration[], now: number): string[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    migration_id TEXT PRIMARY KEY,
    applied_at INTEGER NOT NULL
  )`);
  const applied = new Set(
    db
      .prepare("SELECT migration_id FROM schema_migrations")
      .pluck()
      .all()
      .map((v) => String(v)),
  );
  const record = db.prepare("INSERT INTO schema_migrations (migration_id, applied_at) VALUES (?, ?)");
  const done: string[] = [];
  for (const migration of migrations) {
    if (applied.has(migration.id)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.id, now);
    })();
    done.push(migration.id);
  }
  return done;
}
