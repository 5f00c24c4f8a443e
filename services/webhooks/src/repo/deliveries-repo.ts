import type { Database } from "better-sqlite3";
import { perDatabase } from "@agileboard/kit";

export type DeliveryStatus = "pending" | "delivered" | "failed";

/** One event on its way to one webhook. */
export interface Delivery {
  id: string;
  webhookId: string;
  projectId: string;
  eventId: string;
  /** Position in the event log; 0 for a test delivery. */
  eventSequence: number;
  eventType: string;
  status: DeliveryStatus;
  attempts: number;
  lastError: string;
  lastStatusCode: number;
  createdAt: number;
  lastAttemptAt: number | null;
  nextAttemptAt: number | null;
  deliveredAt: number | null;
  /** The body of a test delivery; null for events (read from the log). */
  payload: Buffer | null;
}

interface DeliveryRow {
  id: string;
  webhook_id: string;
  project_id: string;
  event_id: string;
  event_sequence: number;
  event_type: string;
  status: DeliveryStatus;
  attempts: number;
  last_error: string;
  last_status_code: number;
  created_at: number;
  last_attempt_at: number | null;
  next_attempt_at: number | null;
  delivered_at: number | null;
  payload: Buffer | null;
}

const COLUMNS =
  "id, webhook_id, project_id, event_id, event_sequence, event_type, status, attempts, last_error, last_status_code, created_at, last_attempt_at, next_attempt_at, delivered_at, payload";

const statements = perDatabase((db) => ({
  insert: db.prepare(
    `INSERT INTO webhook_deliveries (${COLUMNS}) VALUES (@id, @webhook_id, @project_id, @event_id, @event_sequence, @event_type, @status, @attempts, @last_error, @last_status_code, @created_at, @last_attempt_at, @next_attempt_at, @delivered_at, @payload)
     ON CONFLICT (webhook_id, event_id) DO NOTHING`,
  ),
  update: db.prepare(
    `UPDATE webhook_deliveries SET status = @status, attempts = @attempts, last_error = @last_error, last_status_code = @last_status_code,
       last_attempt_at = @last_attempt_at, next_attempt_at = @next_attempt_at, delivered_at = @delivered_at WHERE id = @id`,
  ),
  head: db.prepare<[string], DeliveryRow>(
    `SELECT ${COLUMNS} FROM webhook_deliveries WHERE webhook_id = ? AND status = 'pending' AND event_sequence > 0 ORDER BY event_sequence LIMIT 1`,
  ),
  pendingTests: db.prepare<[string], DeliveryRow>(
    `SELECT ${COLUMNS} FROM webhook_deliveries WHERE webhook_id = ? AND status = 'pending' AND event_sequence = 0 ORDER BY created_at, id`,
  ),
  page: db.prepare<[string, number, string, number], DeliveryRow>(
    `SELECT ${COLUMNS} FROM webhook_deliveries WHERE webhook_id = ? AND (created_at, id) < (?, ?) ORDER BY created_at DESC, id DESC LIMIT ?`,
  ),
  purge: db.prepare("DELETE FROM webhook_deliveries WHERE status <> 'pending' AND created_at < ?"),
}));

const toDelivery = (r: DeliveryRow): Delivery => ({
  id: r.id,
  webhookId: r.webhook_id,
  projectId: r.project_id,
  eventId: r.event_id,
  eventSequence: r.event_sequence,
  eventType: r.event_type,
  status: r.status,
  attempts: r.attempts,
  lastError: r.last_error,
  lastStatusCode: r.last_status_code,
  createdAt: r.created_at,
  lastAttemptAt: r.last_attempt_at,
  nextAttemptAt: r.next_attempt_at,
  deliveredAt: r.delivered_at,
  payload: r.payload,
});

const toRow = (d: Delivery): DeliveryRow => ({
  id: d.id,
  webhook_id: d.webhookId,
  project_id: d.projectId,
  event_id: d.eventId,
  event_sequence: d.eventSequence,
  event_type: d.eventType,
  status: d.status,
  attempts: d.attempts,
  last_error: d.lastError,
  last_status_code: d.lastStatusCode,
  created_at: d.createdAt,
  last_attempt_at: d.lastAttemptAt,
  next_attempt_at: d.nextAttemptAt,
  delivered_at: d.deliveredAt,
  payload: d.payload,
});

/** SQL over the `webhook_deliveries` table. */
export const deliveriesRepo = {
  /** Adds a delivery; a second one for the same webhook and event is ignored. */
  insert(db: Database, d: Delivery): void {
    statements(db).insert.run(toRow(d));
  },
  /** Records an attempt's outcome. */
  update(db: Database, d: Delivery): void {
    statements(db).update.run(toRow(d));
  },
  /** The webhook's pending delivery of a project event: the head of its line. */
  head(db: Database, webhookId: string): Delivery | undefined {
    const row = statements(db).head.get(webhookId);
    return row && toDelivery(row);
  },
  /** The webhook's pending test deliveries. */
  pendingTests(db: Database, webhookId: string): Delivery[] {
    return statements(db).pendingTests.all(webhookId).map(toDelivery);
  },
  /** Up to `limit` deliveries of a webhook before (`createdAt`, `id`), newest first. */
  listForWebhook(db: Database, webhookId: string, page: { before?: readonly [number, string]; limit: number }): Delivery[] {
    const [createdAt, id] = page.before ?? [Number.MAX_SAFE_INTEGER, ""];
    return statements(db).page.all(webhookId, createdAt, id, page.limit).map(toDelivery);
  },
  /** Forgets finished deliveries created before `before` (the log keeps a week). */
  purgeFinished(db: Database, before: number): void {
    statements(db).purge.run(before);
  },
};
