import { counter, gauge, projectEventFilter, UnavailableError, type EventBus, type LoggedEvent, type Logger, type Subscription } from "@agileboard/kit";
import { Event } from "@agileboard/proto";
import { encodeEventFrame } from "../dispatch/frame-codec.js";
import type { Connection, PendingEvent, ProjectSubscription } from "../ws/connection.js";

const eventsReceived = counter("agileboard_gateway_events_received_total", "Events received from the bus by project feeds.", []);
const framesFannedOut = counter("agileboard_gateway_event_frames_sent_total", "Event frames sent to sockets.", []);
const openFeeds = gauge("agileboard_gateway_project_feeds", "Project feeds (bus subscriptions) open on this replica.", []);

/** Called when a member-removed event passes through a feed. */
export type MemberRemovedHook = (tenantId: string, projectId: string, userId: string) => void;

/** Told when a connection's subscription goes live and when it ends (presence). */
export interface MembershipListener {
  live(conn: Connection, projectId: string): void;
  left(conn: Connection, projectId: string): void;
}

/**
 * The events of one project, followed once per gateway replica however many sockets watch it: each event is
 * encoded into a frame once and that frame goes to every subscribed connection.
 */
class ProjectFeed {
  readonly members = new Set<Connection>();
  /** Joins under way; the feed is not closed while any is. */
  joining = 0;
  /** Sequence of the newest event this feed has seen (or the project's head when it started). */
  lastSequence = 0;
  private subscription: Subscription | undefined;
  readonly ready: Promise<void>;

  constructor(
    readonly tenantId: string,
    readonly projectId: string,
    private readonly bus: EventBus,
    private readonly onMemberRemoved: MemberRemovedHook,
  ) {
    this.ready = this.start();
  }

  private async start(): Promise<void> {
    const filter = projectEventFilter(this.tenantId, this.projectId);
    const bounds = await this.bus.bounds(filter);
    this.lastSequence = bounds.lastSequence;
    this.subscription = await this.bus.follow(filter, bounds.lastSequence, (event) => this.onEvent(event));
  }

  private onEvent(event: LoggedEvent): void {
    if (event.sequence <= this.lastSequence) return;
    this.lastSequence = event.sequence;
    eventsReceived.inc();
    const frame = encodeEventFrame(event.eventId, event.payload, event.sequence, Date.now());
    const delivery = { sequence: event.sequence, frame, origin: event.origin };
    let sent = 0;
    for (const conn of this.members) if (deliver(conn, this.projectId, delivery)) sent++;
    framesFannedOut.inc(sent);
    if (event.subject.endsWith(".member")) {
      const change = Event.decode(event.payload).change;
      if (change?.$case === "memberRemoved") this.onMemberRemoved(this.tenantId, this.projectId, change.value.userId);
    }
  }

  close(): void {
    this.subscription?.close();
  }
}

/**
 * Hands one event to one connection's subscription: skips duplicates, holds it during replay, no echo.
 * True when a frame went to the socket.
 */
export function deliver(conn: Connection, projectId: string, event: PendingEvent): boolean {
  const sub = conn.subscriptions.get(projectId);
  if (!sub || event.sequence <= sub.watermark) return false;
  if (sub.pending) {
    sub.pending.push(event);
    return false;
  }
  sub.watermark = event.sequence;
  if (event.origin === conn.origin) return false;
  conn.send(event.frame);
  return true;
}

/**
 * One feed per (tenant, project) with local reference counting: the first subscriber opens the bus
 * subscription, the last one to leave closes it.
 */
export class ProjectFeeds {
  private readonly feeds = new Map<string, ProjectFeed>();

  constructor(
    private readonly bus: EventBus,
    private readonly logger: Logger,
    private readonly onMemberRemoved: MemberRemovedHook,
    private readonly membership: MembershipListener,
  ) {}

  /**
   * Subscribes a connection to a project. The new subscription holds live events back (`pending`) until
   * the caller releases it with `goLive`, and starts at the feed's current sequence. Returns that sequence.
   */
  async join(conn: Connection, projectId: string): Promise<{ subscription: ProjectSubscription; feedSequence: number; isNew: boolean }> {
    const existing = conn.subscriptions.get(projectId);
    const key = `${conn.tenantId}/${projectId}`;
    let feed = this.feeds.get(key);
    if (!feed) {
      feed = new ProjectFeed(conn.tenantId, projectId, this.bus, this.onMemberRemoved);
      this.feeds.set(key, feed);
      openFeeds.set(this.feeds.size);
    }
    feed.joining++;
    try {
      await feed.ready;
    } catch (err) {
      this.feeds.delete(key);
      openFeeds.set(this.feeds.size);
      this.logger.warn({ err, tenant_id: conn.tenantId, project_id: projectId }, "project feed failed to start");
      throw new UnavailableError("the event bus is unavailable; retry", { cause: err });
    } finally {
      feed.joining--;
    }
    if (existing) return { subscription: existing, feedSequence: feed.lastSequence, isNew: false };
    const subscription: ProjectSubscription = { watermark: feed.lastSequence, pending: [] };
    conn.subscriptions.set(projectId, subscription);
    feed.members.add(conn);
    return { subscription, feedSequence: feed.lastSequence, isNew: true };
  }

  /** Releases held-back events (those after the watermark, in order) and delivers live from now on. */
  goLive(conn: Connection, projectId: string): void {
    const sub = conn.subscriptions.get(projectId);
    if (!sub?.pending) return;
    const held = sub.pending;
    sub.pending = null;
    let sent = 0;
    for (const event of held) if (deliver(conn, projectId, event)) sent++;
    framesFannedOut.inc(sent);
    this.membership.live(conn, projectId);
  }

  /** Ends a connection's subscription to a project. */
  leave(conn: Connection, projectId: string): void {
    if (!conn.subscriptions.delete(projectId)) return;
    this.membership.left(conn, projectId);
    const key = `${conn.tenantId}/${projectId}`;
    const feed = this.feeds.get(key);
    if (!feed) return;
    feed.members.delete(conn);
    if (feed.members.size === 0 && feed.joining === 0) {
      feed.close();
      this.feeds.delete(key);
      openFeeds.set(this.feeds.size);
    }
  }

  /** Ends every subscription of a connection (it closed). */
  leaveAll(conn: Connection): void {
    for (const projectId of [...conn.subscriptions.keys()]) this.leave(conn, projectId);
  }

  /** Connections subscribed to a project on this replica. */
  membersOf(tenantId: string, projectId: string): readonly Connection[] {
    return [...(this.feeds.get(`${tenantId}/${projectId}`)?.members ?? [])];
  }

  get size(): number {
    return this.feeds.size;
  }

  closeAll(): void {
    for (const feed of this.feeds.values()) feed.close();
    this.feeds.clear();
    openFeeds.set(0);
  }
}
