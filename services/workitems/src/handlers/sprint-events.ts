import { entityEventFilter, parseSubject, type EventConsumerSpec, type LoggedEvent, type Transaction } from "@agileboard/kit";
import { Event } from "@agileboard/proto";
import type { SprintView } from "../domain/sprint-assignment.js";
import { touch } from "../domain/work-item.js";
import { sprintsViewRepo } from "../repo/sprints-view-repo.js";
import { workItemsRepo } from "../repo/work-items-repo.js";
import { saveUpdatedItem, sprintViewOf, type WorkItemsDeps } from "./shared.js";

export const SPRINT_EVENTS_CONSUMER = "workitems-sprint-events";

/**
 * Reacts to the sprints service's events, once each: keeps the sprint read model current and moves items
 * out of a sprint that ended — unfinished items to the carry-over sprint or the backlog when it completes or
 * is cancelled, every item to the backlog when it is deleted. The moves, their activity rows and events and
 * the processed-event mark commit together, so a restart midway moves nothing twice and nothing is lost.
 */
export function sprintEventsConsumer(deps: WorkItemsDeps): EventConsumerSpec {
  return {
    name: SPRINT_EVENTS_CONSUMER,
    filter: entityEventFilter("sprint"),
    handle: async (logged: LoggedEvent) => {
      const tenant = parseSubject(logged.subject)?.tenantId;
      if (!tenant) return;
      const event = Event.decode(logged.payload);
      const change = event.change;
      if (!change) return;
      let status: SprintView["status"] | undefined;
      switch (change.$case) {
        case "sprintCreated":
        case "sprintUpdated":
        case "sprintStarted":
          status = undefined;
          break;
        case "sprintCompleted":
          status = "completed";
          break;
        case "sprintCancelled":
          status = "cancelled";
          break;
        case "sprintDeleted":
          status = "deleted";
          break;
        default:
          return;
      }
      const sprint = change.value;
      await deps.pipeline.applyEvent(SPRINT_EVENTS_CONSUMER, tenant, event, (tx) => {
        sprintsViewRepo.remember(tx.db, sprintViewOf(sprint, status), tx.now);
        if (status === "completed") moveOut(tx, sprint.id, sprint.carryOverSprintId || null, { unfinishedOnly: true });
        if (status === "cancelled") moveOut(tx, sprint.id, null, { unfinishedOnly: true });
        if (status === "deleted") moveOut(tx, sprint.id, null, { unfinishedOnly: false });
      });
    },
  };
}

function moveOut(tx: Transaction, sprintId: string, target: string | null, opts: { unfinishedOnly: boolean }): void {
  for (const item of workItemsRepo.inSprint(tx.db, sprintId, opts)) {
    saveUpdatedItem(tx, item, touch(item, { sprintId: target }, tx.call.userId, tx.now));
  }
}
