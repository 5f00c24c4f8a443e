import { isTenantId } from "../ids.js";

/** Every stored event's subject starts with this; the JetStream stream covers `agileboard.evt.>`. */
export const EVENT_SUBJECT_PREFIX = "agileboard.evt";

/** Transient messages (presence) live outside the stream. */
export const PRESENCE_SUBJECT_PREFIX = "agileboard.presence";

/** The entity token of an event subject. */
export type EventEntity =
  | "work_item"
  | "sprint"
  | "comment"
  | "time_entry"
  | "dependency"
  | "member"
  | "project";

/** A subject token other than the tenant: ids are UUIDs, never dots or wildcards. */
const SUBJECT_TOKEN = /^[A-Za-z0-9_-]{1,128}$/;

function checkTokens(tenantId: string, projectId: string): void {
  if (!isTenantId(tenantId)) throw new Error(`tenant id '${tenantId}' cannot be a subject token`);
  if (!SUBJECT_TOKEN.test(projectId)) throw new Error(`project id '${projectId}' cannot be a subject token`);
}

/** `agileboard.evt.<tenant>.<project>.<entity>`: where a service publishes a change. */
export function eventSubject(tenantId: string, projectId: string, entity: EventEntity): string {
  checkTokens(tenantId, projectId);
  return `${EVENT_SUBJECT_PREFIX}.${tenantId}.${projectId}.${entity}`;
}

/** `agileboard.evt.<tenant>.<project>.>`: every event of one project. */
export function projectEventFilter(tenantId: string, projectId: string): string {
  checkTokens(tenantId, projectId);
  return `${EVENT_SUBJECT_PREFIX}.${tenantId}.${projectId}.>`;
}

/** `agileboard.evt.*.*.<entity>`: one kind of event in every tenant (for caches and read models). */
export function entityEventFilter(entity: EventEntity): string {
  return `${EVENT_SUBJECT_PREFIX}.*.*.${entity}`;
}

/** `agileboard.presence.<tenant>.<project>`. */
export function presenceSubject(tenantId: string, projectId: string): string {
  checkTokens(tenantId, projectId);
  return `${PRESENCE_SUBJECT_PREFIX}.${tenantId}.${projectId}`;
}

/** The parts of an event or presence subject, or undefined when it is neither. */
export function parseSubject(subject: string): { tenantId: string; projectId: string; entity: string } | undefined {
  const tokens = subject.split(".");
  if (tokens[0] !== "agileboard") return undefined;
  if (tokens[1] === "evt" && tokens.length === 5) {
    return { tenantId: tokens[2] ?? "", projectId: tokens[3] ?? "", entity: tokens[4] ?? "" };
  }
  if (tokens[1] === "presence" && tokens.length === 4) {
    return { tenantId: tokens[2] ?? "", projectId: tokens[3] ?? "", entity: "presence" };
  }
  return undefined;
}

/** NATS subject matching: `*` matches one token, a trailing `>` one or more. */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split(".");
  const s = subject.split(".");
  for (let i = 0; i < p.length; i++) {
    const token = p[i];
    if (token === ">") return s.length > i;
    if (i >= s.length) return false;
    if (token !== "*" && token !== s[i]) return false;
  }
  return p.length === s.length;
}
