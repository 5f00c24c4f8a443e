import type { KV } from "nats";
import { UnavailableError } from "./errors.js";
import type { Logger } from "./log.js";
import { counter } from "./metrics.js";

/** The NATS KV bucket of tenant ownership leases: key `<service>.<tenant>`, value `{ owner, at }`. */
export const LEASE_BUCKET = "agileboard_leases";

/** Another replica owns the tenant's file: the caller should ask `ownerAddress` instead. */
export class NotOwnerError extends UnavailableError {
  override readonly name = "NotOwnerError";
  constructor(
    tenantId: string,
    /** host:port of the replica that holds the lease. */
    readonly ownerAddress: string,
  ) {
    super(`tenant '${tenantId}' is served by ${ownerAddress}; retry there`);
  }
}

/**
 * One writer per tenant file (SPEC §6): a replica uses a tenant's database only while it holds the tenant's
 * lease. `ensure` takes a free lease or confirms one held; a tenant leased by another replica is NotOwnerError.
 */
export interface TenantLeases {
  /** True when leases are enforced (a shared bus); false in a single-process deployment. */
  readonly enforced: boolean;
  ensure(tenantId: string): Promise<void>;
  /** Takes the lease only if nobody holds it; true when this replica holds it afterwards. */
  tryAcquire(tenantId: string): Promise<boolean>;
  holds(tenantId: string): boolean;
  release(tenantId: string): Promise<void>;
  /** Called after a lease is newly taken (e.g. to publish the tenant's leftover outbox). */
  onAcquired(listener: (tenantId: string) => void): void;
  /** Called when a lease is lost or released (close the tenant's database). */
  onLost(listener: (tenantId: string) => void): void;
  close(): Promise<void>;
}

/** The single-process case: this process is the only writer there is. */
export class LocalLeases implements TenantLeases {
  readonly enforced = false;
  async ensure(): Promise<void> {}
  async tryAcquire(): Promise<boolean> {
    return true;
  }
  holds(): boolean {
    return true;
  }
  async release(): Promise<void> {}
  onAcquired(): void {}
  onLost(): void {}
  async close(): Promise<void> {}
}

const leasesTaken = counter("agileboard_tenant_leases_taken_total", "Tenant leases this replica took.", ["service"]);
const leasesLost = counter("agileboard_tenant_leases_lost_total", "Tenant leases this replica lost or gave up.", ["service"]);

interface Held {
  revision: number;
  renewedAt: number;
}

/** Options of NATS KV leases. */
export interface KvLeasesOptions {
  /** Opens (creating if needed) the lease bucket with entries expiring `ttlMs` after their last write. */
  openBucket: (ttlMs: number) => Promise<KV>;
  service: string;
  /** How other processes reach this replica: host:port (ADVERTISE_ADDRESS; known once the server is bound). */
  owner: () => string;
  /** Resolves once the bus is connected; rejects at once while it is disconnected (ownership cannot be confirmed). */
  connected: () => Promise<void>;
  /** A lease not renewed for this long expires (a crashed owner's tenants move after it). */
  ttlMs: number;
  logger: Logger;
}

/**
 * Leases in a NATS KV bucket, created and renewed with compare-and-set on the entry's revision. A lease is
 * renewed every third of its TTL and trusted for half of it: a replica that cannot renew (lost NATS, lost the
 * race) stops using the tenant before the entry can expire and be taken by another.
 */
export class KvLeases implements TenantLeases {
  readonly enforced = true;
  private readonly held = new Map<string, Held>();
  private readonly acquiring = new Map<string, Promise<void>>();
  private readonly acquiredListeners: ((tenantId: string) => void)[] = [];
  private readonly lostListeners: ((tenantId: string) => void)[] = [];
  private kv: Promise<KV> | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly opts: KvLeasesOptions) {
    this.timer = setInterval(() => void this.renewAll(), Math.max(100, Math.floor(opts.ttlMs / 3)));
    this.timer.unref();
  }

  async ensure(tenantId: string): Promise<void> {
    const held = this.held.get(tenantId);
    if (held && Date.now() - held.renewedAt < this.opts.ttlMs / 2) return;
    let pending = this.acquiring.get(tenantId);
    if (!pending) {
      pending = this.acquire(tenantId).finally(() => this.acquiring.delete(tenantId));
      this.acquiring.set(tenantId, pending);
    }
    await pending;
  }

  async tryAcquire(tenantId: string): Promise<boolean> {
    try {
      await this.ensure(tenantId);
      return true;
    } catch (err) {
      if (err instanceof NotOwnerError) return false;
      throw err;
    }
  }

  holds(tenantId: string): boolean {
    const held = this.held.get(tenantId);
    return held !== undefined && Date.now() - held.renewedAt < this.opts.ttlMs / 2;
  }

  async release(tenantId: string): Promise<void> {
    const held = this.held.get(tenantId);
    if (!held) return;
    this.drop(tenantId);
    try {
      await (await this.bucket()).delete(this.key(tenantId), { previousSeq: held.revision });
    } catch {
      // Gone already, or taken over: nothing to give back.
    }
  }

  onAcquired(listener: (tenantId: string) => void): void {
    this.acquiredListeners.push(listener);
  }

  onLost(listener: (tenantId: string) => void): void {
    this.lostListeners.push(listener);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await Promise.allSettled([...this.held.keys()].map((t) => this.release(t)));
  }

  private key(tenantId: string): string {
    return `${this.opts.service}.${tenantId}`;
  }

  private bucket(): Promise<KV> {
    this.kv ??= this.opts.openBucket(this.opts.ttlMs).catch((err: unknown) => {
      this.kv = undefined;
      throw err;
    });
    return this.kv;
  }

  private value(): Uint8Array {
    return Buffer.from(JSON.stringify({ owner: this.opts.owner(), at: Date.now() }));
  }

  private async acquire(tenantId: string): Promise<void> {
    let kv: KV;
    try {
      await this.opts.connected();
      kv = await this.bucket();
    } catch (err) {
      throw new UnavailableError(`cannot confirm ownership of tenant '${tenantId}' (event bus unreachable); retry`, { cause: err });
    }
    const key = this.key(tenantId);
    try {
      const held = this.held.get(tenantId);
      if (held) {
        // Stale but ours: renew it now (compare-and-set; fails if someone took it meanwhile).
        this.take(tenantId, await kv.update(key, this.value(), held.revision), false);
        return;
      }
      const entry = await kv.get(key);
      if (!entry || entry.operation !== "PUT") {
        this.take(tenantId, await kv.create(key, this.value()), true);
        return;
      }
      const current = JSON.parse(Buffer.from(entry.value).toString("utf8")) as { owner?: string };
      // Our own address: this replica restarted before its old lease expired.
      if (current.owner === this.opts.owner()) {
        this.take(tenantId, await kv.update(key, this.value(), entry.revision), true);
        return;
      }
      throw new NotOwnerError(tenantId, current.owner ?? "another replica");
    } catch (err) {
      if (err instanceof NotOwnerError) throw err;
      if (this.held.has(tenantId)) this.drop(tenantId);
      // Lost a create/update race, or our entry expired: whoever holds it now owns it; if nobody does, take it.
      const winner = await kv.get(key).catch(() => null);
      if (winner?.operation === "PUT") {
        const owner = (JSON.parse(Buffer.from(winner.value).toString("utf8")) as { owner?: string }).owner ?? "another replica";
        if (owner !== this.opts.owner()) throw new NotOwnerError(tenantId, owner);
      } else if (await this.createOnce(kv, tenantId)) {
        return;
      }
      throw new UnavailableError(`cannot confirm ownership of tenant '${tenantId}'; retry`, { cause: err });
    }
  }

  /** The entry expired while we held it: take it afresh if nobody else did. */
  private async createOnce(kv: KV, tenantId: string): Promise<boolean> {
    try {
      this.take(tenantId, await kv.create(this.key(tenantId), this.value()), true);
      return true;
    } catch {
      return false;
    }
  }

  private take(tenantId: string, revision: number, isNew: boolean): void {
    this.held.set(tenantId, { revision, renewedAt: Date.now() });
    if (!isNew) return;
    leasesTaken.inc({ service: this.opts.service });
    this.opts.logger.info({ tenant_id: tenantId }, "tenant lease taken");
    for (const listener of this.acquiredListeners) listener(tenantId);
  }

  private drop(tenantId: string): void {
    if (!this.held.delete(tenantId)) return;
    leasesLost.inc({ service: this.opts.service });
    for (const listener of this.lostListeners) listener(tenantId);
  }

  private async renewAll(): Promise<void> {
    let kv: KV;
    try {
      await this.opts.connected();
      kv = await this.bucket();
    } catch {
      // Cannot renew: drop what is too old to trust.
      for (const [tenantId, held] of [...this.held]) if (Date.now() - held.renewedAt >= this.opts.ttlMs / 2) this.drop(tenantId);
      return;
    }
    await Promise.all(
      [...this.held].map(async ([tenantId, held]) => {
        try {
          held.revision = await kv.update(this.key(tenantId), this.value(), held.revision);
          held.renewedAt = Date.now();
        } catch (err) {
          // Unreachable bus: keep trying until the lease is too old to trust (ensure then refuses).
          if (Date.now() - held.renewedAt >= this.opts.ttlMs / 2) {
            this.opts.logger.warn({ tenant_id: tenantId, err }, "tenant lease lost");
            this.drop(tenantId);
          } else if (isWrongRevision(err)) {
            this.opts.logger.warn({ tenant_id: tenantId }, "tenant lease taken by another replica");
            this.drop(tenantId);
          }
        }
      }),
    );
  }
}

function isWrongRevision(err: unknown): boolean {
  return /wrong last sequence/i.test(String((err as { message?: string }).message ?? ""));
}
