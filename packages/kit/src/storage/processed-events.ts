import type { Database } from "better-sqlite3";
import { perDatabase } from "./per-database.js";

const statements = perDatabase((db) => ({
  seen: db.prepare<[string, string], number>("SELECT 1 FROM processed_events WHERE consumer = ? AND event_id = ?").pluck(),
  record: db.prepare("INSERT INTO processed_events (consumer, event_id, processed_at) VALUES (?, ?, ?)"),
}));

/** True when `consumer` already applied `eventId` to this file. */
export function isEventProcessed(db: Database, consumer: string, eventId: string): boolean {
  return statements(db).seen.get(consumer, eventId) !== undefined;
}

/** Marks an event applied; call in the transaction that applies it. */
export function markEventProcessed(db: Database, consumer: string, eventId: string, now: number): void {
  statements(db).record.run(consumer, eventId, now);
}
