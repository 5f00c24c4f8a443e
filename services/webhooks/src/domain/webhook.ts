import { nameProblem, type ViolationList } from "@agileboard/kit";

/** A webhook as the webhooks service stores it. */
export interface Webhook {
  id: string;
  projectId: string;
  url: string;
  /** Event.change case names; empty = every event. */
  events: string[];
  secret: string;
  active: boolean;
  /** Every event of the project up to this log position is delivered or given up on. */
  deliveredThroughSequence: number;
  version: number;
  createdAt: number;
  createdBy: string;
  updatedAt: number;
  updatedBy: string;
  deletedAt: number | null;
}

export const MAX_URL_CHARS = 2048;
export const MIN_SECRET_CHARS = 16;
export const MAX_SECRET_CHARS = 256;
export const MAX_EVENT_NAMES = 32;

/** The endpoint's URL: http(s), a host, no credentials, no fragment. */
export function checkUrl(v: ViolationList, url: string): URL | undefined {
  if (!url) {
    v.add("url", "is required");
    return undefined;
  }
  if (url.length > MAX_URL_CHARS) {
    v.add("url", `must be at most ${MAX_URL_CHARS} characters`);
    return undefined;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    v.add("url", "must be an absolute http:// or https:// URL");
    return undefined;
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") v.add("url", "must be an http:// or https:// URL");
  else if (!parsed.hostname) v.add("url", "must name a host");
  else if (parsed.username || parsed.password) v.add("url", "must not carry a user name or password (put credentials in the receiver's check of the signature)");
  else if (parsed.hash) v.add("url", "must not have a #fragment");
  else return parsed;
  return undefined;
}

/** The event names: known Event.change cases, each once, at most 32. */
export function checkEventNames(v: ViolationList, events: readonly string[], known: readonly string[]): void {
  if (events.length > MAX_EVENT_NAMES) {
    v.add("events", `must list at most ${MAX_EVENT_NAMES} event names`);
    return;
  }
  const unknown = events.filter((e) => !known.includes(e));
  if (unknown.length > 0) v.add("events", `'${unknown[0]}' is not an event name; use Event.change case names such as ${known.slice(0, 3).join(", ")}`);
  else if (new Set(events).size !== events.length) v.add("events", "must name each event once");
}

/** The signing secret: 16-256 characters without control characters. */
export function checkSecret(v: ViolationList, secret: string): void {
  if (secret.length < MIN_SECRET_CHARS || secret.length > MAX_SECRET_CHARS) v.add("secret", `must be ${MIN_SECRET_CHARS}-${MAX_SECRET_CHARS} characters`);
  else if (nameProblem(secret, MAX_SECRET_CHARS)) v.add("secret", "must not contain control characters");
}

/** True when the webhook wants events of this kind. */
export function wantsEvent(webhook: Pick<Webhook, "events">, eventType: string): boolean {
  return webhook.events.length === 0 || webhook.events.includes(eventType);
}

/** What a client may see of the secret: its last four characters. */
export function secretHint(secret: string): string {
  return secret.slice(-4);
}
