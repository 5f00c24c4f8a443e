import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import BetterSqlite3, { type Database } from "better-sqlite3";
import { LRUCache } from "lru-cache";
import { InvalidArgumentError } from "../errors.js";
import { isTenantId } from "../ids.js";
import type { Logger } from "../log.js";
import { applyMigrations, type Migration } from "./migrations.js";

/** How long a writer waits for SQLite's lock before giving up with SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5_000;

/** Options of a TenantStore. */
export interface TenantStoreOptions {
  /** DATA_DIR: tenant files live in `<dataDir>/tenants/<tenant>/<service>.db`. */
  dataDir: string;
  /** The file name stem, e.g. "workitems". */
  service: string;
  /** Applied in order whenever a database is opened. */
  migrations: readonly Migration[];
  /** How many databases stay open; the least recently used is closed beyond that. */
  maxOpen: number;
  logger: Logger;
  /**
   * Open with `locking_mode=EXCLUSIVE`, keeping the WAL index in process memory (network volumes, where
   * shared memory across hosts is not coherent). Default false.
   */
  exclusiveLocking?: boolean;
  /** Runs once after a database is opened and migrated (e.g. to purge expired rows). */
  onOpen?: (tenantId: string, db: Database) => void;
  /** Clock, for migration timestamps. Default Date.now. */
  now?: () => number;
}

/**
 * The per-tenant SQLite files of one service. `open()` is cheap when the database is already open, so callers
 * ask for it each time they need it and never hold a handle across an `await`: an idle tenant's handle may be
 * closed by the LRU at any time.
 */
export class TenantStore {
  private readonly open_: LRUCache<string, Database>;
  private readonly tenantsDir: string;
  private readonly now: () => number;

  constructor(private readonly opts: TenantStoreOptions) {
    this.tenantsDir = resolve(opts.dataDir, "tenants");
    this.now = opts.now ?? Date.now;
    this.open_ = new LRUCache<string, Database>({
      max: opts.maxOpen,
      dispose: (db, tenantId) => {
        db.close();
        opts.logger.debug({ tenant_id: tenantId }, "tenant db closed");
      },
    });
  }

  /** The tenant's database, opened, configured and migrated on first use. */
  open(tenantId: string): Database {
    const cached = this.open_.get(tenantId);
    if (cached) return cached;
    const db = this.openFile(tenantId);
    this.open_.set(tenantId, db);
    return db;
  }

  /** True when the tenant has a file for this service. */
  exists(tenantId: string): boolean {
    return isTenantId(tenantId) && existsSync(this.pathOf(tenantId));
  }

  /** Tenants that have a file for this service (for the outbox relay's start-up sweep and `migrate`). */
  tenantIds(): string[] {
    if (!existsSync(this.tenantsDir)) return [];
    return readdirSync(this.tenantsDir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && isTenantId(entry.name))
      .map((entry) => entry.name)
      .filter((tenantId) => existsSync(this.pathOf(tenantId)));
  }

  /** The ids of the migrations this store applies, in order (what a tenant file of this version may hold). */
  get migrationIds(): string[] {
    return this.opts.migrations.map((m) => m.id);
  }

  /** Number of databases open now. */
  get openCount(): number {
    return this.open_.size;
  }

  /** Runs `fn` on every open database (periodic housekeeping). */
  forEachOpen(fn: (tenantId: string, db: Database) => void): void {
    for (const [tenantId, db] of this.open_.entries()) fn(tenantId, db);
  }

  /** Closes one tenant's database if open (e.g. when this replica stops owning the tenant). */
  release(tenantId: string): void {
    this.open_.delete(tenantId);
  }

  /** Closes every open database. */
  close(): void {
    this.open_.clear();
  }

  pathOf(tenantId: string): string {
    return join(this.tenantsDir, tenantId, `${this.opts.service}.db`);
  }

  private openFile(tenantId: string): Database {
    // The id names a directory: it must never climb out of DATA_DIR or carry subject wildcards.
    if (!isTenantId(tenantId)) {
      throw new InvalidArgumentError(`tenant id '${tenantId}' must match ^[a-z0-9][a-z0-9_-]{0,62}$`);
    }
    mkdirSync(join(this.tenantsDir, tenantId), { recursive: true });
    const db = new BetterSqlite3(this.pathOf(tenantId));
    try {
      if (this.opts.exclusiveLocking) db.pragma("locking_mode = EXCLUSIVE");
      db.pragma("journal_mode = WAL");
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      // NORMAL in WAL mode survives a process crash; only an OS crash can lose the last commits.
      db.pragma("synchronous = NORMAL");
      db.pragma("foreign_keys = ON");
      const applied = applyMigrations(db, this.opts.migrations, this.now());
      if (applied.length > 0) {
        this.opts.logger.info({ tenant_id: tenantId, migrations: applied }, "tenant db migrated");
      }
      this.opts.onOpen?.(tenantId, db);
    } catch (err) {
      db.close();
      throw err;
    }
    this.opts.logger.debug({ tenant_id: tenantId }, "tenant db opened");
    return db;
  }
}
