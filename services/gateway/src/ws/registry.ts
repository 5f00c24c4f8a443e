import { gauge } from "@agileboard/kit";
import type { Connection } from "./connection.js";

const openConnections = gauge("agileboard_gateway_connections", "Open WebSocket connections on this replica.", []);

/** Connection counts per replica and per tenant, reserved before an upgrade completes so limits hold under races. */
export class ConnectionRegistry {
  readonly connections = new Set<Connection>();
  private readonly perTenant = new Map<string, number>();
  private reserved = 0;

  constructor(private readonly limits: { maxConnections: number; maxPerTenant: number }) {}

  /** Holds a slot for a connection about to open; the reason when a limit is reached. */
  reserve(tenantId: string): "ok" | "replica limit" | "tenant limit" {
    if (this.reserved >= this.limits.maxConnections) return "replica limit";
    const count = this.perTenant.get(tenantId) ?? 0;
    if (count >= this.limits.maxPerTenant) return "tenant limit";
    this.reserved++;
    this.perTenant.set(tenantId, count + 1);
    return "ok";
  }

  /** Gives back a slot (upgrade failed, or the connection closed). */
  release(tenantId: string): void {
    this.reserved--;
    const count = (this.perTenant.get(tenantId) ?? 1) - 1;
    if (count <= 0) this.perTenant.delete(tenantId);
    else this.perTenant.set(tenantId, count);
  }

  add(conn: Connection): void {
    this.connections.add(conn);
    openConnections.set(this.connections.size);
  }

  remove(conn: Connection): void {
    if (!this.connections.delete(conn)) return;
    this.release(conn.tenantId);
    openConnections.set(this.connections.size);
  }

  /** Requests being served on all connections. */
  get inFlight(): number {
    let total = 0;
    for (const conn of this.connections) total += conn.inFlight;
    return total;
  }
}
