import type { Database } from "better-sqlite3";
import { entityEventFilter, parseSubject, type EventConsumerSpec, type LoggedEvent, type Pipeline } from "@agileboard/kit";
import { Event } from "@agileboard/proto";
import { historyRepo } from "../repo/history-repo.js";
import { itemStatusOf } from "../wire.js";

export const WORK_ITEM_EVENTS_CONSUMER = "sprints-work-item-events";

/** Records the work item version an event carries into the read model; false when it carries none. */
export function recordWorkItemEvent(db: Database, event: Event): boolean {
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
    handle: (logged: LoggedEvent) => {
      const tenant = parseSubject(logged.subject)?.tenantId;
      if (!tenant) return;
      const event = Event.decode(logged.payload);
      pipeline.applyEvent(WORK_ITEM_EVENTS_CONSUMER, tenant, event, (tx) => void recordWorkItemEvent(tx.db, event));
    },
  };
}
