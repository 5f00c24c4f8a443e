import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "@agileboard/testkit";
import { afterAll, describe, expect, it } from "vitest";
import { createLogger, InvalidArgumentError, loadMigrations, TenantStore, type Migration } from "../src/index.js";

const logger = createLogger({ service: "test", level: "silent" });
const migrations: Migration[] = [
  { id: "test/0001_create_notes.sql", sql: "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);" },
];

describe("TenantStore", () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it("opens <DATA_DIR>/tenants/<tenant>/<service>.db in WAL mode with a busy timeout, migrated once", () => {
    const store = new TenantStore({ dataDir: dir.path, service: "notes", migrations, maxOpen: 4, logger });
    const db = store.open("acme");
    expect(db.name).toBe(join(dir.path, "tenants", "acme", "notes.db"));
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.pragma("busy_timeout", { simple: true })).toBe(5000);
    expect(db.pragma("foreign_keys", { simple: true })).toBe(1);
    db.prepare("INSERT INTO notes (body) VALUES ('x')").run();
    store.close();
    const again = new TenantStore({ dataDir: dir.path, service: "notes", migrations, maxOpen: 4, logger });
    const reopened = again.open("acme");
    expect(reopened.prepare("SELECT COUNT(*) FROM schema_migrations").pluck().get()).toBe(1);
    expect(reopened.prepare("SELECT body FROM notes").pluck().all()).toEqual(["x"]);
    expect(again.tenantIds()).toEqual(["acme"]);
    again.close();
  });

  it("applies a migration added later to an existing file", () => {
    const store = new TenantStore({ dataDir: dir.path, service: "later", migrations, maxOpen: 4, logger });
    store.open("acme").prepare("INSERT INTO notes (body) VALUES ('kept')").run();
    store.close();
    const upgraded = new TenantStore({
      dataDir: dir.path,
      service: "later",
      migrations: [...migrations, { id: "test/0002_add_author.sql", sql: "ALTER TABLE notes ADD COLUMN author TEXT NOT NULL DEFAULT 'unknown';" }],
      maxOpen: 4,
      logger,
    });
    expect(upgraded.open("acme").prepare("SELECT body, author FROM notes").all()).toEqual([{ body: "kept", author: "unknown" }]);
    upgraded.close();
  });

  it("keeps at most maxOpen databases open, closing the least recently used", () => {
    const store = new TenantStore({ dataDir: dir.path, service: "lru", migrations, maxOpen: 2, logger });
    const a = store.open("t-a");
    store.open("t-b");
    store.open("t-c");
    expect(store.openCount).toBe(2);
    expect(a.open).toBe(false);
    expect(store.open("t-a").open).toBe(true);
    store.close();
  });

  it.each(["../escape", "Acme", "a.b", "", "a".repeat(64)])("refuses tenant id %j", (tenant) => {
    const store = new TenantStore({ dataDir: dir.path, service: "bad", migrations, maxOpen: 2, logger });
    expect(() => store.open(tenant)).toThrow(InvalidArgumentError);
  });

  it("rolls back a failing migration and opens nothing", () => {
    const store = new TenantStore({
      dataDir: dir.path,
      service: "broken",
      migrations: [...migrations, { id: "test/0002_broken.sql", sql: "CREATE TABLE x (id INTEGER); SELECT * FROM nowhere;" }],
      maxOpen: 2,
      logger,
    });
    expect(() => store.open("acme")).toThrow(/nowhere/);
    const clean = new TenantStore({ dataDir: dir.path, service: "broken", migrations, maxOpen: 2, logger });
    expect(clean.open("acme").prepare("SELECT name FROM sqlite_master WHERE name = 'x'").all()).toEqual([]);
    clean.close();
  });
});

describe("loadMigrations", () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it("reads namespaces in order and files by number", () => {
    mkdirSync(join(dir.path, "kit"));
    mkdirSync(join(dir.path, "svc"));
    writeFileSync(join(dir.path, "kit", "0001_a.sql"), "-- a");
    writeFileSync(join(dir.path, "svc", "0002_c.sql"), "-- c");
    writeFileSync(join(dir.path, "svc", "0001_b.sql"), "-- b");
    expect(loadMigrations(dir.path, ["kit", "svc"]).map((m) => m.id)).toEqual(["kit/0001_a.sql", "svc/0001_b.sql", "svc/0002_c.sql"]);
  });

  it("refuses a file not named NNNN_name.sql", () => {
    writeFileSync(join(dir.path, "svc", "3_bad.sql"), "");
    expect(() => loadMigrations(dir.path, ["svc"])).toThrow(/NNNN_name\.sql/);
  });
});
