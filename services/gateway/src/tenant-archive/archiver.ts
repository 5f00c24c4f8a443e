import type { Metadata } from "@grpc/grpc-js";
import { FailedPreconditionError, InvalidArgumentError, TENANT_CHUNK_BYTES, type ReplicaRouter, type UnaryMethod } from "@agileboard/kit";
import {
  SprintsServiceService,
  TenancyServiceService,
  WebhooksServiceService,
  WorkItemsServiceService,
  type BeginTenantImportRequest,
  type CommitTenantImportRequest,
  type CreateTenantSnapshotRequest,
  type ReadTenantSnapshotRequest,
  type ReleaseTenantSnapshotReply,
  type ReleaseTenantSnapshotRequest,
  type TenantImport,
  type TenantImportResult,
  type TenantSnapshot,
  type TenantSnapshotChunk,
  type WriteTenantImportReply,
  type WriteTenantImportRequest,
} from "@agileboard/proto";
import type { ServiceName } from "../dispatch/table.js";
import { readTar, TarFormatError, tarEnd, tarHeader, tarPadding } from "./tar.js";

/** `format` of every archive's manifest.json. */
export const ARCHIVE_FORMAT = "agileboard-tenant-archive";
export const ARCHIVE_FORMAT_VERSION = 1;
const MANIFEST_NAME = "manifest.json";
/** Most bytes manifest.json may have. */
const MAX_MANIFEST_BYTES = 1024 * 1024;

/** Every service's file goes in the archive, in this order. */
export const ARCHIVED_SERVICES: readonly ServiceName[] = ["tenancy", "workitems", "sprints", "webhooks"];

/** The archive RPCs of one service (each service declares them with its own paths). */
interface ArchiveMethods {
  createTenantSnapshot: UnaryMethod<CreateTenantSnapshotRequest, TenantSnapshot>;
  readTenantSnapshot: UnaryMethod<ReadTenantSnapshotRequest, TenantSnapshotChunk>;
  releaseTenantSnapshot: UnaryMethod<ReleaseTenantSnapshotRequest, ReleaseTenantSnapshotReply>;
  beginTenantImport: UnaryMethod<BeginTenantImportRequest, TenantImport>;
  writeTenantImport: UnaryMethod<WriteTenantImportRequest, WriteTenantImportReply>;
  commitTenantImport: UnaryMethod<CommitTenantImportRequest, TenantImportResult>;
}

const METHODS: Record<ServiceName, ArchiveMethods> = {
  tenancy: TenancyServiceService,
  workitems: WorkItemsServiceService,
  sprints: SprintsServiceService,
  webhooks: WebhooksServiceService,
};

/** One service's file in the archive. */
export interface ManifestFile {
  service: ServiceName;
  file: string;
  size_bytes: number;
  sha256: string;
  /** The schema: migration ids applied to the file, in order; the last one names its version. */
  migrations: string[];
  schema_version: string;
  row_counts: Record<string, number>;
  taken_at_ms: number;
}

/** manifest.json, the archive's first entry. */
export interface Manifest {
  format: typeof ARCHIVE_FORMAT;
  format_version: number;
  tenant_id: string;
  created_at: string;
  agileboard_version: string;
  files: ManifestFile[];
  /** Services that had no file for the tenant (nothing to restore). */
  absent: ServiceName[];
}

/** What an import did, per service. */
export interface ImportReport {
  tenant_id: string;
  services: { service: string; row_counts: Record<string, number> }[];
}

/** Signed metadata for a call to a service, as the caller (a tenant admin, or the operator). */
export type ArchiveIdentity = (service: ServiceName) => Promise<Metadata>;

/** Where an archive goes: a sink of chunks (an HTTP response, a file). */
export type ArchiveSink = (chunk: Buffer) => Promise<void>;

/**
 * Exports and imports a whole tenant through the owning replicas of every service: each takes a consistent
 * snapshot of its file with SQLite's online backup API while it keeps serving (export), or checks and installs
 * a file while it holds the tenant's lease (import), so the one-writer rule holds. The archive is a tar:
 * manifest.json (format, schema versions, row counts, checksums) first, then one `<service>.db` per service.
 */
export class TenantArchiver {
  constructor(
    private readonly routers: Readonly<Record<ServiceName, ReplicaRouter>>,
    private readonly version: string,
  ) {}

  /** Writes the archive of `tenantId` to `sink`; returns its manifest. */
  async export(tenantId: string, identity: ArchiveIdentity, sink: ArchiveSink): Promise<Manifest> {
    const call = async <Req, Res>(service: ServiceName, method: UnaryMethod<Req, Res>, request: Req) => this.routers[service].call(tenantId, method, request, await identity(service));
    // Snapshots close together in time; each is consistent on its own.
    const snapshots = await Promise.all(ARCHIVED_SERVICES.map(async (service) => ({ service, snapshot: await call(service, METHODS[service].createTenantSnapshot, {}) })));
    try {
      const present = snapshots.filter((s) => s.snapshot.snapshotId !== "");
      if (present.length === 0) throw new FailedPreconditionError(`tenant '${tenantId}' has no data to export`);
      const manifest: Manifest = {
        format: ARCHIVE_FORMAT,
        format_version: ARCHIVE_FORMAT_VERSION,
        tenant_id: tenantId,
        created_at: new Date().toISOString(),
        agileboard_version: this.version,
        files: present.map(({ service, snapshot }) => ({
          service,
          file: `${service}.db`,
          size_bytes: snapshot.sizeBytes,
          sha256: snapshot.sha256,
          migrations: snapshot.migrations,
          schema_version: snapshot.migrations[snapshot.migrations.length - 1] ?? "",
          row_counts: snapshot.rowCounts,
          taken_at_ms: snapshot.takenAtMs,
        })),
        absent: snapshots.filter((s) => s.snapshot.snapshotId === "").map((s) => s.service),
      };
      const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
      const now = Date.now();
      await sink(tarHeader(MANIFEST_NAME, manifestBytes.length, now));
      await sink(manifestBytes);
      await sink(tarPadding(manifestBytes.length));
      for (const { service, snapshot } of present) {
        await sink(tarHeader(`${service}.db`, snapshot.sizeBytes, now));
        let offset = 0;
        while (offset < snapshot.sizeBytes) {
          const chunk = await call(service, METHODS[service].readTenantSnapshot, { snapshotId: snapshot.snapshotId, offset, maxBytes: TENANT_CHUNK_BYTES });
          if (chunk.data.length === 0) throw new Error(`${service} returned an empty chunk at ${offset}`);
          await sink(Buffer.from(chunk.data));
          offset += chunk.data.length;
        }
        await sink(tarPadding(snapshot.sizeBytes));
      }
      await sink(tarEnd());
      return manifest;
    } finally {
      await Promise.allSettled(
        snapshots.filter((s) => s.snapshot.snapshotId).map(({ service, snapshot }) => call(service, METHODS[service].releaseTenantSnapshot, { snapshotId: snapshot.snapshotId })),
      );
    }
  }

  /**
   * Restores an archive into `tenantId`, which must have no data: every file is sent to its service and
   * checked there (checksum, integrity, schema, emptiness) before any is installed; then each is installed.
   * A refusal is FAILED_PRECONDITION (or INVALID_ARGUMENT for a malformed archive) saying why.
   */
  async import(tenantId: string, identity: ArchiveIdentity, archive: AsyncIterable<Buffer | Uint8Array>): Promise<ImportReport> {
    const call = async <Req, Res>(service: ServiceName, method: UnaryMethod<Req, Res>, request: Req) => this.routers[service].call(tenantId, method, request, await identity(service));
    let manifest: Manifest | undefined;
    const uploaded = new Map<ServiceName, string>();
    try {
      for await (const entry of readTar(archive)) {
        if (!manifest) {
          if (entry.name !== MANIFEST_NAME) throw new InvalidArgumentError(`the archive must start with ${MANIFEST_NAME}, not ${entry.name}`);
          if (entry.size > MAX_MANIFEST_BYTES) throw new InvalidArgumentError(`${MANIFEST_NAME} is too large`);
          const parts: Buffer[] = [];
          for await (const chunk of entry.chunks()) parts.push(chunk);
          manifest = parseManifest(Buffer.concat(parts).toString("utf8"));
          continue;
        }
        const file = manifest.files.find((f) => f.file === entry.name);
        if (!file) throw new InvalidArgumentError(`the archive holds ${entry.name}, which its manifest does not list`);
        if (uploaded.has(file.service)) throw new InvalidArgumentError(`the archive holds ${entry.name} twice`);
        if (entry.size !== file.size_bytes) throw new InvalidArgumentError(`${entry.name} is ${entry.size} bytes, the manifest says ${file.size_bytes}`);
        const methods = METHODS[file.service];
        const { importId } = await call(file.service, methods.beginTenantImport, { sizeBytes: file.size_bytes, sha256: file.sha256 });
        uploaded.set(file.service, importId);
        let offset = 0;
        let pending: Buffer[] = [];
        let pendingBytes = 0;
        const flush = async () => {
          if (pendingBytes === 0) return;
          const data = Buffer.concat(pending);
          pending = [];
          pendingBytes = 0;
          for (let at = 0; at < data.length; at += TENANT_CHUNK_BYTES) {
            const part = data.subarray(at, at + TENANT_CHUNK_BYTES);
            await call(file.service, methods.writeTenantImport, { importId, offset, data: part });
            offset += part.length;
          }
        };
        for await (const chunk of entry.chunks()) {
          pending.push(chunk);
          pendingBytes += chunk.length;
          if (pendingBytes >= TENANT_CHUNK_BYTES) await flush();
        }
        await flush();
        await call(file.service, methods.commitTenantImport, { importId, verifyOnly: true });
      }
    } catch (err) {
      if (err instanceof TarFormatError) throw new InvalidArgumentError(`the archive is not a valid tar: ${err.message}`, [], { cause: err });
      throw err;
    }
    if (!manifest) throw new InvalidArgumentError("the archive is empty");
    const missing = manifest.files.filter((f) => !uploaded.has(f.service));
    if (missing.length > 0) throw new InvalidArgumentError(`the archive lacks ${missing.map((f) => f.file).join(", ")}, which its manifest lists`);
    // Every file is checked: install them.
    const services: ImportReport["services"] = [];
    for (const file of manifest.files) {
      const result = await call(file.service, METHODS[file.service].commitTenantImport, { importId: uploaded.get(file.service) as string, verifyOnly: false });
      services.push({ service: file.service, row_counts: result.rowCounts });
    }
    return { tenant_id: tenantId, services };
  }
}

function parseManifest(text: string): Manifest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InvalidArgumentError(`${MANIFEST_NAME} is not JSON`);
  }
  const m = parsed as Partial<Manifest>;
  if (m.format !== ARCHIVE_FORMAT) throw new InvalidArgumentError(`${MANIFEST_NAME} is not an agileboard tenant archive`);
  if (m.format_version !== ARCHIVE_FORMAT_VERSION) throw new FailedPreconditionError(`the archive's format version ${String(m.format_version)} is not ${ARCHIVE_FORMAT_VERSION}`);
  if (!Array.isArray(m.files) || m.files.length === 0) throw new InvalidArgumentError(`${MANIFEST_NAME} lists no files`);
  for (const f of m.files) {
    if (!ARCHIVED_SERVICES.includes(f.service) || f.file !== `${f.service}.db` || !Number.isInteger(f.size_bytes) || !/^[0-9a-f]{64}$/.test(f.sha256)) {
      throw new InvalidArgumentError(`${MANIFEST_NAME} has a malformed file entry`);
    }
  }
  return m as Manifest;
}
