import { createHash, randomUUID } from "node:crypto";
import { closeSync, createReadStream, existsSync, mkdirSync, openSync, readdirSync, readSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { join, resolve } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import type {
  BeginTenantImportRequest,
  CommitTenantImportRequest,
  CreateTenantSnapshotRequest,
  ReadTenantSnapshotRequest,
  ReleaseTenantSnapshotReply,
  ReleaseTenantSnapshotRequest,
  TenantImport,
  TenantImportResult,
  TenantSnapshot,
  TenantSnapshotChunk,
  WriteTenantImportReply,
  WriteTenantImportRequest,
} from "@agileboard/proto";
import { FailedPreconditionError, NotFoundError, PermissionDeniedError, ViolationList } from "./errors.js";
import type { CallContext } from "./grpc/call-context.js";
import type { RpcHandler } from "./grpc/server.js";
import type { Logger } from "./log.js";
import type { TenantStore } from "./storage/tenant-store.js";

/** Most bytes one snapshot or import chunk carries: far below the 8 MiB gRPC message limit. */
export const TENANT_CHUNK_BYTES = 1024 * 1024;
/** Largest tenant file an import accepts, bytes. */
export const MAX_TENANT_FILE_BYTES = 16 * 1024 * 1024 * 1024;
/** How long a snapshot or an unfinished import stays on disk without being released, ms. */
const ARCHIVE_FILE_TTL_MS = 3600_000;
/** Tables whose rows an empty tenant may have: the schema record only. */
const IGNORED_WHEN_EMPTY = new Set(["schema_migrations"]);
/** The role that may export and import a tenant (tenant admins, and operators' signed identities). */
const TENANT_ADMIN_ROLE = "admin";

/** The RPCs every domain service serves for tenant export and import (see tenant_archive.proto). */
export interface TenantArchiveHandlers {
  createTenantSnapshot: RpcHandler<CreateTenantSnapshotRequest, TenantSnapshot>;
  readTenantSnapshot: RpcHandler<ReadTenantSnapshotRequest, TenantSnapshotChunk>;
  releaseTenantSnapshot: RpcHandler<ReleaseTenantSnapshotRequest, ReleaseTenantSnapshotReply>;
  beginTenantImport: RpcHandler<BeginTenantImportRequest, TenantImport>;
  writeTenantImport: RpcHandler<WriteTenantImportRequest, WriteTenantImportReply>;
  commitTenantImport: RpcHandler<CommitTenantImportRequest, TenantImportResult>;
}

/** Options of a TenantArchive. */
export interface TenantArchiveOptions {
  /** "workitems": the file is `<service>.db`. */
  service: string;
  store: TenantStore;
  /** DATA_DIR: snapshots and imports wait in `<dataDir>/snapshots/<service>/`, on the tenants' volume. */
  dataDir: string;
  logger: Logger;
}

interface Snapshot {
  tenantId: string;
  path: string;
  size: number;
  createdAt: number;
}

interface PendingImport {
  tenantId: string;
  path: string;
  size: number;
  sha256: string;
  received: number;
  createdAt: number;
}

/** What a tenant file holds: its schema and rows per table. */
export interface FileContents {
  migrations: string[];
  rowCounts: Record<string, number>;
  /** Virtual tables (full-text indexes); their shadow tables are named `<name>_…`. */
  virtualTables: string[];
}

/** Reads the schema record and the row counts of a SQLite file (opened read-only). */
export function readFileContents(path: string): FileContents {
  const db = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
  try {
    const tables = db
      .prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .pluck()
      .all();
    const rowCounts: Record<string, number> = {};
    for (const table of tables) rowCounts[table] = Number(db.prepare(`SELECT COUNT(*) FROM "${table.replace(/"/g, '""')}"`).pluck().get());
    const migrations = tables.includes("schema_migrations")
      ? db.prepare<[], string>("SELECT migration_id FROM schema_migrations ORDER BY rowid").pluck().all()
      : [];
    const virtualTables = db.prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'").pluck().all();
    return { migrations, rowCounts, virtualTables };
  } finally {
    db.close();
  }
}

/** Hex SHA-256 of a file, read as a stream. */
export function sha256OfFile(path: string): Promise<string> {
  return new Promise((resolve_, reject) => {
    const hash = createHash("sha256");
    createReadStream(path)
      .on("data", (chunk) => hash.update(chunk))
      .on("error", reject)
      .on("end", () => resolve_(hash.digest("hex")));
  });
}

/**
 * Tenant export and import for one service's files, served by the replica that owns the tenant (the kit's
 * `beforeCall` makes sure of the lease before any of these runs), so the one-writer rule holds:
 * - a snapshot is SQLite's online backup of the open database, taken while the service keeps writing (a
 *   backup through the writing connection sees every commit up to its end), then switched out of WAL mode
 *   so it is one self-contained file;
 * - an import lands in a file beside the tenants, is checked (size, checksum, integrity, a schema this
 *   version knows, and no data for the tenant here), and replaces the tenant's file by a rename while this
 *   replica holds the lease. Events the source had not published yet are dropped from the imported outbox:
 *   they belong to the source tenant's event log.
 */
export class TenantArchive {
  private readonly dir: string;
  private readonly snapshots = new Map<string, Snapshot>();
  private readonly imports = new Map<string, PendingImport>();
  private readonly sweepTimer: NodeJS.Timeout;

  constructor(private readonly opts: TenantArchiveOptions) {
    // One folder per process: replicas share the volume, and each cleans up only what it made.
    const root = resolve(opts.dataDir, "snapshots", opts.service);
    this.dir = join(root, randomUUID());
    mkdirSync(this.dir, { recursive: true });
    // Folders left by processes that stopped mid-export, once older than any snapshot can live.
    for (const name of readdirSync(root)) {
      const path = join(root, name);
      if (path !== this.dir && Date.now() - statSync(path).mtimeMs > ARCHIVE_FILE_TTL_MS) rmSync(path, { recursive: true, force: true });
    }
    this.sweepTimer = setInterval(() => this.sweep(Date.now()), ARCHIVE_FILE_TTL_MS / 4);
    this.sweepTimer.unref();
  }

  /** The six RPC handlers. */
  handlers(): TenantArchiveHandlers {
    return {
      createTenantSnapshot: (_r, call) => this.createSnapshot(call),
      readTenantSnapshot: (r, call) => this.readSnapshot(r, call),
      releaseTenantSnapshot: (r, call) => this.releaseSnapshot(r, call),
      beginTenantImport: (r, call) => this.beginImport(r, call),
      writeTenantImport: (r, call) => this.writeImport(r, call),
      commitTenantImport: (r, call) => this.commitImport(r, call),
    };
  }

  /** Deletes every file still waiting (shutdown). */
  close(): void {
    clearInterval(this.sweepTimer);
    for (const s of this.snapshots.values()) rmSync(s.path, { force: true });
    this.snapshots.clear();
    this.imports.clear();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async createSnapshot(call: CallContext): Promise<TenantSnapshot> {
    requireTenantAdmin(call);
    const takenAtMs = Date.now();
    if (!this.opts.store.exists(call.tenantId)) {
      // Nothing of this tenant here (e.g. it never had a webhook): the archive says so, and import skips it.
      return { snapshotId: "", service: this.opts.service, sizeBytes: 0, sha256: "", migrations: [], rowCounts: {}, takenAtMs };
    }
    const id = randomUUID();
    const path = join(this.dir, `${id}.db`);
    try {
      await this.opts.store.open(call.tenantId).backup(path);
      const copy = new BetterSqlite3(path);
      try {
        copy.pragma("journal_mode = DELETE");
      } finally {
        copy.close();
      }
      const contents = readFileContents(path);
      const size = statSync(path).size;
      this.snapshots.set(id, { tenantId: call.tenantId, path, size, createdAt: takenAtMs });
      this.opts.logger.info({ tenant_id: call.tenantId, snapshot_id: id, bytes: size }, "tenant snapshot taken");
      return { snapshotId: id, service: this.opts.service, sizeBytes: size, sha256: await sha256OfFile(path), migrations: contents.migrations, rowCounts: contents.rowCounts, takenAtMs };
    } catch (err) {
      rmSync(path, { force: true });
      throw err;
    }
  }

  private readSnapshot(r: ReadTenantSnapshotRequest, call: CallContext): TenantSnapshotChunk {
    requireTenantAdmin(call);
    const snapshot = this.snapshotOf(r.snapshotId, call);
    const v = new ViolationList();
    if (!Number.isInteger(r.offset) || r.offset < 0 || r.offset > snapshot.size) v.add("offset", `must be from 0 to ${snapshot.size}`);
    if (r.maxBytes < 0 || r.maxBytes > TENANT_CHUNK_BYTES) v.add("max_bytes", `must be from 0 to ${TENANT_CHUNK_BYTES}`);
    v.throwIfAny();
    const length = Math.min(r.maxBytes || TENANT_CHUNK_BYTES, snapshot.size - r.offset);
    const data = Buffer.alloc(length);
    const fd = openSync(snapshot.path, "r");
    try {
      let read = 0;
      while (read < length) read += readSync(fd, data, read, length - read, r.offset + read);
    } finally {
      closeSync(fd);
    }
    return { data, eof: r.offset + length >= snapshot.size };
  }

  private releaseSnapshot(r: ReleaseTenantSnapshotRequest, call: CallContext): ReleaseTenantSnapshotReply {
    requireTenantAdmin(call);
    const snapshot = this.snapshotOf(r.snapshotId, call);
    rmSync(snapshot.path, { force: true });
    this.snapshots.delete(r.snapshotId);
    return {};
  }

  private beginImport(r: BeginTenantImportRequest, call: CallContext): TenantImport {
    requireTenantAdmin(call);
    const v = new ViolationList();
    if (!Number.isInteger(r.sizeBytes) || r.sizeBytes < 1 || r.sizeBytes > MAX_TENANT_FILE_BYTES) v.add("size_bytes", `must be from 1 to ${MAX_TENANT_FILE_BYTES}`);
    if (!/^[0-9a-f]{64}$/.test(r.sha256)) v.add("sha256", "must be 64 lower-case hex digits");
    v.throwIfAny();
    const id = randomUUID();
    const path = join(this.dir, `import-${id}.db`);
    closeSync(openSync(path, "w"));
    this.imports.set(id, { tenantId: call.tenantId, path, size: r.sizeBytes, sha256: r.sha256, received: 0, createdAt: Date.now() });
    return { importId: id };
  }

  private writeImport(r: WriteTenantImportRequest, call: CallContext): WriteTenantImportReply {
    requireTenantAdmin(call);
    const pending = this.importOf(r.importId, call);
    const v = new ViolationList();
    if (r.offset !== pending.received) v.add("offset", `must be ${pending.received}, where the received bytes end`);
    if (r.data.length === 0 || r.data.length > TENANT_CHUNK_BYTES) v.add("data", `must be 1 to ${TENANT_CHUNK_BYTES} bytes`);
    else if (pending.received + r.data.length > pending.size) v.add("data", `goes past the announced size of ${pending.size} bytes`);
    v.throwIfAny();
    const fd = openSync(pending.path, "r+");
    try {
      let written = 0;
      while (written < r.data.length) written += writeSync(fd, r.data, written, r.data.length - written, r.offset + written);
    } finally {
      closeSync(fd);
    }
    pending.received += r.data.length;
    return { receivedBytes: pending.received };
  }

  private async commitImport(r: CommitTenantImportRequest, call: CallContext): Promise<TenantImportResult> {
    requireTenantAdmin(call);
    const pending = this.importOf(r.importId, call);
    if (pending.received !== pending.size) throw new FailedPreconditionError(`received ${pending.received} of ${pending.size} bytes; send the rest first`);
    if ((await sha256OfFile(pending.path)) !== pending.sha256) throw new FailedPreconditionError(`the ${this.opts.service} file does not match its checksum`);
    const contents = this.checkImportable(pending.path);
    this.checkEmpty(call.tenantId);
    if (r.verifyOnly) return { service: this.opts.service, migrations: contents.migrations, rowCounts: contents.rowCounts };

    // The source's unpublished events name the source tenant; the imported tenant starts its own event log.
    const file = new BetterSqlite3(pending.path);
    try {
      if (contents.rowCounts["outbox"]) file.prepare("DELETE FROM outbox").run();
    } finally {
      file.close();
    }
    const target = this.opts.store.pathOf(call.tenantId);
    this.opts.store.release(call.tenantId);
    this.checkEmpty(call.tenantId);
    for (const suffix of ["", "-wal", "-shm"]) rmSync(`${target}${suffix}`, { force: true });
    mkdirSync(resolve(target, ".."), { recursive: true });
    renameSync(pending.path, target);
    this.imports.delete(r.importId);
    // Opening applies the migrations this version has beyond the archive's.
    this.opts.store.open(call.tenantId);
    const imported = readFileContents(target);
    this.opts.logger.info({ tenant_id: call.tenantId, rows: imported.rowCounts }, "tenant file imported");
    return { service: this.opts.service, migrations: imported.migrations, rowCounts: imported.rowCounts };
  }

  /** The file is an intact SQLite database whose every migration this version knows. */
  private checkImportable(path: string): FileContents {
    let contents: FileContents;
    try {
      const db = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
      try {
        const result = db.pragma("quick_check", { simple: true });
        if (result !== "ok") throw new FailedPreconditionError(`the ${this.opts.service} file is damaged (${String(result)})`);
      } finally {
        db.close();
      }
      contents = readFileContents(path);
    } catch (err) {
      if (err instanceof FailedPreconditionError) throw err;
      throw new FailedPreconditionError(`the ${this.opts.service} file is not a SQLite database`, { cause: err });
    }
    const known = new Set(this.opts.store.migrationIds);
    const unknown = contents.migrations.filter((m) => !known.has(m));
    if (unknown.length > 0) throw new FailedPreconditionError(`the archive has a newer ${this.opts.service} schema than this version (unknown migration ${unknown[0]})`);
    if (contents.migrations.length === 0) throw new FailedPreconditionError(`the ${this.opts.service} file has no schema record; it is not an agileboard tenant file`);
    return contents;
  }

  /**
   * FAILED_PRECONDITION when the tenant already has data in this service's file. A file that exists but holds
   * only its schema (opened by a read, say) is empty; so are a full-text index's own bookkeeping tables.
   */
  private checkEmpty(tenantId: string): void {
    const path = this.opts.store.pathOf(tenantId);
    if (!existsSync(path)) return;
    const { rowCounts, virtualTables } = readFileContents(path);
    const bookkeeping = (table: string) => IGNORED_WHEN_EMPTY.has(table) || virtualTables.some((v) => table.startsWith(`${v}_`));
    const rows = Object.entries(rowCounts).filter(([table, count]) => count > 0 && !bookkeeping(table));
    if (rows.length > 0) {
      const [table, count] = rows[0] as [string, number];
      throw new FailedPreconditionError(`tenant '${tenantId}' is not empty: its ${this.opts.service} data has ${count} rows in ${table}; import only into a tenant without data`);
    }
  }

  private snapshotOf(id: string, call: CallContext): Snapshot {
    const snapshot = this.snapshots.get(id);
    if (!snapshot || snapshot.tenantId !== call.tenantId) throw new NotFoundError(`snapshot '${id}' not found (it expires an hour after it was taken, or when its replica restarts)`);
    return snapshot;
  }

  private importOf(id: string, call: CallContext): PendingImport {
    const pending = this.imports.get(id);
    if (!pending || pending.tenantId !== call.tenantId) throw new NotFoundError(`import '${id}' not found (it expires an hour after it began, or when its replica restarts)`);
    return pending;
  }

  private sweep(now: number): void {
    for (const [id, s] of this.snapshots) {
      if (now - s.createdAt > ARCHIVE_FILE_TTL_MS) {
        rmSync(s.path, { force: true });
        this.snapshots.delete(id);
      }
    }
    for (const [id, i] of this.imports) {
      if (now - i.createdAt > ARCHIVE_FILE_TTL_MS) {
        rmSync(i.path, { force: true });
        this.imports.delete(id);
      }
    }
  }
}

function requireTenantAdmin(call: CallContext): void {
  if (!call.roles.includes(TENANT_ADMIN_ROLE)) throw new PermissionDeniedError("exporting or importing a tenant needs the tenant admin role");
}

