import type { Database } from "better-sqlite3";
import { entityEventFilter, EVENT_SUBJECT_PREFIX, parseSubject, type EventBus, type EventConsumerSpec, type LoggedEvent, type Pipeline } from "@agileboard/kit";
import { Event } from "@agileboard/proto";
import { historyRepo } from "../repo/history-repo.js";
import { itemStatusOf } from "../wire.js";

export const WORK_ITEM_EVENTS_CONSUMER = "sprints-work-item-events";

/** Records the work item version an event carries into the read model; false when it carries none. */
export function recordWorkItemEvent(db: Database, event: Event, streamSequence: number): boolean {
  const change = event.change;
  if (!change) return false;
  switch (change.$case) {
    case "workItemCreated":
    case "workItemUpdated":
    case "workItemDeleted":
    case "workItemRestored": {
      const item = change.value;
      historyRepo.record(db, {
        itemId: item.id,
        version: item.version,
        projectId: item.projectId,
        sprintId: item.sprintId || null,
        status: itemStatusOf(item.status),
        storyPoints: item.storyPoints ?? null,
        deleted: item.deletedAtMs > 0,
        at: event.occurredAtMs,
        streamSequence,
      });
      return true;
    }
    default:
      return false;
  }
}

/** Keeps the report read model current from work item events, once per event, in every tenant. */
export function workItemEventsConsumer(pipeline: Pipeline): EventConsumerSpec {
  return {
    name: WORK_ITEM_EVENTS_CONSUMER,
    filter: entityEventFilter("work_item"),
    handle: async (logged: LoggedEvent) => {
      const tenant = parseSubject(logged.subject)?.tenantId;
      if (!tenant) return;
      const event = Event.decode(logged.payload);
      await pipeline.applyEvent(WORK_ITEM_EVENTS_CONSUMER, tenant, event, (tx) => void recordWorkItemEvent(tx.db, event, logged.sequence));
    },
  };
}

/**
 * Brings a project's history up to the event log's head before a report: reads the work item events the log
 * holds beyond the newest position recorded and applies them (recording is idempotent), so a report reflects
 * a change whose reply the client already has, without waiting for the consumer.
 */
export async function catchUpProject(bus: EventBus, db: () => Database, tenantId: string, projectId: string): Promise<void> {
  const filter = `${EVENT_SUBJECT_PREFIX}.${tenantId}.${projectId}.work_item`;
  const { lastSequence } = await bus.bounds(filter);
  const recorded = historyRepo.lastSequence(db(), projectId);
  if (lastSequence <= recorded) return;
  const missing = await bus.read(filter, recorded, lastSequence);
  const database = db();
  database.transaction(() => {
    for (const logged of missing) recordWorkItemEvent(database, Event.decode(logged.payload), logged.sequence);
  }).immediate();
}
