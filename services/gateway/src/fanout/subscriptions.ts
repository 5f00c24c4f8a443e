import {
  excerpt,
  isUuid,
  projectEventFilter,
  ViolationList,
  type EventBus,
  type LoggedEvent,
  type ProjectAccessChecker,
} from "@agileboard/kit";
import { AccessLevel, Subscribed, Unsubscribed, type Unsubscribe } from "@agileboard/proto";
import { encodeEventFrame, encodeServerFrame } from "../dispatch/frame-codec.js";
import type { Connection } from "../ws/connection.js";
import type { ProjectFeeds } from "./project-feeds.js";
import type { SubscribeRequest } from "./subscribe-request.js";

/** Most projects one connection may follow. */
export const MAX_SUBSCRIPTIONS_PER_CONNECTION = 200;

/** What joining one project produced. */
interface Joined {
  projectId: string;
  head: number;
  resync: boolean;
  replay: LoggedEvent[];
}

/**
 * Subscribe and Unsubscribe. A subscription with `resume_after[p] = s` replays, in order, the retained events
 * of p after s, then goes live with no gap and no duplicate: live events that arrive meanwhile are held and
 * released after the replay, and the watermark drops anything already sent. When continuity cannot be
 * proven (s is older than the log, or newer than its head) the project is listed for resync instead.
 */
export class Subscriptions {
  constructor(
    private readonly feeds: ProjectFeeds,
    private readonly bus: EventBus,
    private readonly access: ProjectAccessChecker,
    private readonly replyFields: { subscribed: number; unsubscribed: number },
  ) {}

  /** `request` was decoded with at most MAX_SUBSCRIPTIONS_PER_CONNECTION entries per field (`decodeSubscribe`). */
  async subscribe(conn: Connection, messageId: string, request: SubscribeRequest): Promise<void> {
    const projectIds = [...new Set(request.projectIds)];
    const v = new ViolationList();
    if (projectIds.length === 0) v.add("project_ids", "must name at least one project");
    if (projectIds.some((id) => !isUuid(id))) v.add("project_ids", "must be UUIDs");
    const named = new Set(projectIds);
    const strays = [...request.resumeAfter.keys()].filter((id) => !named.has(id));
    if (strays.length > 0) v.add("resume_after", `names ${strays.length} project(s) not in project_ids, e.g. '${excerpt(strays[0] ?? "")}'`);
    if (conn.subscriptions.size + projectIds.length > MAX_SUBSCRIPTIONS_PER_CONNECTION) {
      v.add("project_ids", `a connection follows at most ${MAX_SUBSCRIPTIONS_PER_CONNECTION} projects`);
    }
    v.throwIfAny();

    // All or nothing: a project the caller may not read fails the whole request before anything is joined.
    const call = await conn.callContext(messageId, "tenancy");
    await Promise.all(projectIds.map((id) => this.access.require(call, id, AccessLevel.ACCESS_LEVEL_READ)));

    const joined: Joined[] = [];
    try {
      for (const projectId of projectIds) joined.push(await this.join(conn, projectId, request.resumeAfter.get(projectId)));
    } catch (err) {
      for (const j of joined) this.feeds.leave(conn, j.projectId);
      throw err;
    }

    // From here on everything is synchronous: the reply, then each replay, then what was held back.
    const reply = Subscribed.encode({
      projectIds,
      resyncProjectIds: joined.filter((j) => j.resync).map((j) => j.projectId),
      headSequence: Object.fromEntries(joined.map((j) => [j.projectId, j.head])),
    }).finish();
    conn.send(encodeServerFrame(messageId, this.replyFields.subscribed, reply, Date.now()));
    for (const j of joined) {
      const sub = conn.subscriptions.get(j.projectId);
      for (const event of j.replay) {
        if (sub && event.sequence > sub.watermark) sub.watermark = event.sequence;
        if (event.origin !== conn.origin) conn.send(encodeEventFrame(event.eventId, event.payload, event.sequence, Date.now()));
      }
      this.feeds.goLive(conn, j.projectId);
    }
  }

  unsubscribe(conn: Connection, messageId: string, request: Unsubscribe): void {
    const v = new ViolationList();
    if (request.projectIds.length === 0) v.add("project_ids", "must name at least one project");
    if (request.projectIds.length > MAX_SUBSCRIPTIONS_PER_CONNECTION) v.add("project_ids", `must have at most ${MAX_SUBSCRIPTIONS_PER_CONNECTION} entries`);
    v.throwIfAny();
    for (const projectId of request.projectIds) this.feeds.leave(conn, projectId);
    const reply = Unsubscribed.encode({ projectIds: request.projectIds }).finish();
    conn.send(encodeServerFrame(messageId, this.replyFields.unsubscribed, reply, Date.now()));
  }

  /** Tells a connection it no longer follows a project (its member was removed). */
  revoke(conn: Connection, projectId: string, notice: string): void {
    this.feeds.leave(conn, projectId);
    const frame = Unsubscribed.encode({ projectIds: [projectId] }).finish();
    conn.send(encodeServerFrame(notice, this.replyFields.unsubscribed, frame, Date.now()));
  }

  private async join(conn: Connection, projectId: string, resumeAfter: number | undefined): Promise<Joined> {
    const { subscription, feedSequence, isNew } = await this.feeds.join(conn, projectId);
    const head = feedSequence;
    if (!isNew || resumeAfter === undefined || resumeAfter === head) {
      return { projectId, head: isNew ? head : subscription.watermark, resync: false, replay: [] };
    }
    const filter = projectEventFilter(conn.tenantId, projectId);
    const bounds = await this.bus.bounds(filter);
    if (resumeAfter > head) {
      // The client saw an event this replica's feed has not received yet, or the log was reset.
      if (bounds.lastSequence >= resumeAfter) {
        subscription.watermark = resumeAfter;
        return { projectId, head: bounds.lastSequence, resync: false, replay: [] };
      }
      return { projectId, head, resync: true, replay: [] };
    }
    if (resumeAfter + 1 < bounds.firstSequence) return { projectId, head, resync: true, replay: [] };
    const replay = await this.bus.read(filter, resumeAfter, head);
    return { projectId, head, resync: false, replay };
  }
}
