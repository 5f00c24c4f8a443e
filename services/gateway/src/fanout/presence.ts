import { newId, presenceSubject, type EventBus, type Logger, type Subscription } from "@agileboard/kit";
import { Event } from "@agileboard/proto";
import { encodeServerFrame, SERVER_FRAME_EVENT } from "../dispatch/frame-codec.js";
import type { Connection } from "../ws/connection.js";

/** What gateways tell each other about a project's presence (JSON on agileboard.presence.<tenant>.<project>). */
type PresenceMessage =
  | { kind: "join" | "leave"; gateway: string; userId: string; since: number }
  /** Heartbeat: everyone present through this gateway ("still here"); also the answer to "who". */
  | { kind: "here"; gateway: string; users: { userId: string; since: number }[] }
  /** A gateway started watching the project and wants to know who is there. */
  | { kind: "who"; gateway: string };

interface RemoteEntry {
  since: number;
  seenAt: number;
}

interface ProjectPresence {
  tenantId: string;
  projectId: string;
  /** Local connections present, per user. */
  local: Map<string, { connections: Set<string>; since: number }>;
  /** Users present through other gateways: user → gateway → entry. */
  remote: Map<string, Map<string, RemoteEntry>>;
  subscription: Subscription;
}

/** Options of the presence tracker. */
export interface PresenceOptions {
  bus: EventBus;
  gatewayId: string;
  /** How often each gateway says who is still there; entries not renewed for 3 periods expire. */
  heartbeatMs: number;
  /** Local connections subscribed to a project (live ones get presence events). */
  membersOf: (tenantId: string, projectId: string) => readonly Connection[];
  logger: Logger;
}

/**
 * Who has a project open, across gateway replicas, without polling: gateways announce joins and leaves on a
 * presence subject, repeat who is still there every heartbeat, and answer a newcomer's "who". A gateway
 * that dies stops renewing its entries, and the others let them expire. Clients get `presence_joined` /
 * `presence_left` events (sequence 0: not part of the event log); a user's own connections are not told
 * about that user.
 */
export class PresenceTracker {
  private readonly projects = new Map<string, ProjectPresence>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly opts: PresenceOptions) {
    this.timer = setInterval(() => this.heartbeat(), opts.heartbeatMs);
    this.timer.unref();
  }

  /** A connection's subscription went live: it is present, and it learns who else is. */
  joined(conn: Connection, projectId: string): void {
    const p = this.watch(conn.tenantId, projectId);
    const wasPresent = this.isPresent(p, conn.userId);
    let local = p.local.get(conn.userId);
    if (!local) {
      local = { connections: new Set(), since: Date.now() };
      p.local.set(conn.userId, local);
      this.announce(p, { kind: "join", gateway: this.opts.gatewayId, userId: conn.userId, since: local.since });
    }
    local.connections.add(conn.id);
    if (!wasPresent) this.tell(p, "presenceJoined", conn.userId, local.since);
    for (const [userId, since] of this.present(p)) {
      if (userId !== conn.userId) conn.send(this.frame(p, "presenceJoined", userId, since));
    }
  }

  /** A connection stopped following a project (unsubscribed, removed, closed). */
  left(conn: Connection, projectId: string): void {
    const p = this.projects.get(`${conn.tenantId}/${projectId}`);
    const local = p?.local.get(conn.userId);
    if (!p || !local?.connections.delete(conn.id)) return;
    if (local.connections.size > 0) return;
    p.local.delete(conn.userId);
    this.announce(p, { kind: "leave", gateway: this.opts.gatewayId, userId: conn.userId, since: local.since });
    if (!this.isPresent(p, conn.userId)) this.tell(p, "presenceLeft", conn.userId, local.since);
    if (p.local.size === 0) {
      p.subscription.close();
      this.projects.delete(`${p.tenantId}/${p.projectId}`);
    }
  }

  close(): void {
    clearInterval(this.timer);
    for (const p of this.projects.values()) {
      for (const [userId, local] of p.local) this.announce(p, { kind: "leave", gateway: this.opts.gatewayId, userId, since: local.since });
      p.subscription.close();
    }
    this.projects.clear();
  }

  private watch(tenantId: string, projectId: string): ProjectPresence {
    const key = `${tenantId}/${projectId}`;
    let p = this.projects.get(key);
    if (p) return p;
    const created: ProjectPresence = {
      tenantId,
      projectId,
      local: new Map(),
      remote: new Map(),
      subscription: this.opts.bus.listen(presenceSubject(tenantId, projectId), ({ payload }) => this.onMessage(created, payload)),
    };
    p = created;
    this.projects.set(key, p);
    this.announce(p, { kind: "who", gateway: this.opts.gatewayId });
    return p;
  }

  private onMessage(p: ProjectPresence, payload: Uint8Array): void {
    let message: PresenceMessage;
    try {
      message = JSON.parse(Buffer.from(payload).toString("utf8")) as PresenceMessage;
    } catch {
      return;
    }
    if (message.gateway === this.opts.gatewayId) return;
    const now = Date.now();
    switch (message.kind) {
      case "who":
        this.announceHere(p);
        return;
      case "join":
        this.seen(p, message.gateway, message.userId, message.since, now);
        return;
      case "leave":
        this.gone(p, message.gateway, message.userId);
        return;
      case "here": {
        const listed = new Set(message.users.map((u) => u.userId));
        for (const [userId, gateways] of p.remote) if (gateways.has(message.gateway) && !listed.has(userId)) this.gone(p, message.gateway, userId);
        for (const u of message.users) this.seen(p, message.gateway, u.userId, u.since, now);
        return;
      }
    }
  }

  private seen(p: ProjectPresence, gateway: string, userId: string, since: number, now: number): void {
    const wasPresent = this.isPresent(p, userId);
    const gateways = p.remote.get(userId) ?? new Map<string, RemoteEntry>();
    gateways.set(gateway, { since, seenAt: now });
    p.remote.set(userId, gateways);
    if (!wasPresent) this.tell(p, "presenceJoined", userId, since);
  }

  private gone(p: ProjectPresence, gateway: string, userId: string): void {
    const gateways = p.remote.get(userId);
    const entry = gateways?.get(gateway);
    if (!gateways || !entry) return;
    gateways.delete(gateway);
    if (gateways.size === 0) p.remote.delete(userId);
    if (!this.isPresent(p, userId)) this.tell(p, "presenceLeft", userId, entry.since);
  }

  private heartbeat(): void {
    const expiredBefore = Date.now() - 3 * this.opts.heartbeatMs;
    for (const p of this.projects.values()) {
      this.announceHere(p);
      for (const [userId, gateways] of [...p.remote]) {
        for (const [gateway, entry] of [...gateways]) if (entry.seenAt < expiredBefore) this.gone(p, gateway, userId);
      }
    }
  }

  private announceHere(p: ProjectPresence): void {
    const users = [...p.local].map(([userId, local]) => ({ userId, since: local.since }));
    this.announce(p, { kind: "here", gateway: this.opts.gatewayId, users });
  }

  private announce(p: ProjectPresence, message: PresenceMessage): void {
    this.opts.bus.announce(presenceSubject(p.tenantId, p.projectId), Buffer.from(JSON.stringify(message)));
  }

  private isPresent(p: ProjectPresence, userId: string): boolean {
    return p.local.has(userId) || p.remote.has(userId);
  }

  /** Everyone present, with the earliest time they were seen. */
  private present(p: ProjectPresence): Map<string, number> {
    const out = new Map<string, number>();
    for (const [userId, local] of p.local) out.set(userId, local.since);
    for (const [userId, gateways] of p.remote) {
      for (const entry of gateways.values()) out.set(userId, Math.min(out.get(userId) ?? Infinity, entry.since));
    }
    return out;
  }

  /** Sends a presence event to the project's live local subscribers, except the user's own connections. */
  private tell(p: ProjectPresence, change: "presenceJoined" | "presenceLeft", userId: string, since: number): void {
    const frame = this.frame(p, change, userId, since);
    for (const conn of this.opts.membersOf(p.tenantId, p.projectId)) {
      if (conn.userId === userId) continue;
      if (conn.subscriptions.get(p.projectId)?.pending !== null) continue;
      conn.send(frame);
    }
  }

  private frame(p: ProjectPresence, change: "presenceJoined" | "presenceLeft", userId: string, since: number): Uint8Array {
    const eventId = newId();
    const value = { userId, projectId: p.projectId, sinceMs: since };
    const event = Event.encode({
      eventId,
      projectId: p.projectId,
      sequence: 0,
      actorUserId: userId,
      occurredAtMs: Date.now(),
      changes: [],
      change: change === "presenceJoined" ? { $case: "presenceJoined", value } : { $case: "presenceLeft", value },
    }).finish();
    return encodeServerFrame(eventId, SERVER_FRAME_EVENT, event, Date.now());
  }
}
