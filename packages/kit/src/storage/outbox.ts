import type { Database } from "better-sqlite3";
import type { OutboundEvent } from "../bus/event-bus.js";
import { perDatabase } from "./per-database.js";

interface OutboxRow {
  id: number;
  event_id: string;
  subject: string;
  payload: Buffer;
  origin: string;
}

const statements = perDatabase((db) => ({
  insert: db.prepare("INSERT INTO outbox (event_id, subject, payload, origin, created_at) VALUES (?, ?, ?, ?, ?)"),
  batch: db.prepare<[number], OutboxRow>("SELECT id, event_id, subject, payload, origin FROM outbox ORDER BY id LIMIT ?"),
  deleteUpTo: db.prepare("DELETE FROM outbox WHERE id <= ?"),
  count: db.prepare("SELECT COUNT(*) FROM outbox").pluck(),
}));

/** Queues an event for publication; call inside the change's transaction so both commit or neither. */
export function appendToOutbox(db: Database, event: OutboundEvent, now: number): void {
  statements(db).insert.run(event.eventId, event.subject, Buffer.from(event.payload), event.origin, now);
}

/** The oldest unpublished events, in commit order, with the id to pass to `removeFromOutbox`. */
export function readOutbox(db: Database, limit: number): { lastId: number; events: OutboundEvent[] } {
  const rows = statements(db).batch.all(limit);
  const last = rows[rows.length - 1];
  return {
    lastId: last ? last.id : 0,
    events: rows.map((r) => ({ eventId: r.event_id, subject: r.subject, payload: r.payload, origin: r.origin })),
  };
}

/** Forgets events the log has acknowledged. */
export function removeFromOutbox(db: Database, upToId: number): void {
  statements(db).deleteUpTo.run(upToId);
}

/** How many events wait. */
export function outboxSize(db: Database): number {
  return Number(statements(db).count.get());
}
