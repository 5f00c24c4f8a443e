import { EVENT_SUBJECT_PREFIX, PermissionDeniedError, type RpcHandler } from "@agileboard/kit";
import { Event, type RebuildReportModelReply, type RebuildReportModelRequest } from "@agileboard/proto";
import { historyRepo } from "../repo/history-repo.js";
import type { SprintsDeps } from "./shared.js";
import { recordWorkItemEvent } from "./work-item-events.js";

/**
 * RebuildReportModel (internal, tenant admins): forgets the tenant's work item history and replays every
 * retained work item event into it. Events that arrive meanwhile land too (rows are keyed by item version),
 * so reports are whole again when it returns. What the log no longer retains cannot come back.
 */
export function rebuildReportModel(deps: SprintsDeps): RpcHandler<RebuildReportModelRequest, RebuildReportModelReply> {
  return async (_request, call) => {
    if (!call.roles.includes("admin")) throw new PermissionDeniedError("rebuilding reports needs the tenant admin role");
    const filter = `${EVENT_SUBJECT_PREFIX}.${call.tenantId}.*.work_item`;
    const { lastSequence } = await deps.bus.bounds(filter);
    const events = await deps.bus.read(filter, 0, lastSequence);
    const db = deps.store.open(call.tenantId);
    let applied = 0;
    db.transaction(() => {
      historyRepo.clear(db);
      for (const logged of events) if (recordWorkItemEvent(db, Event.decode(logged.payload), logged.sequence)) applied++;
    }).immediate();
    return { eventsApplied: applied };
  };
}
