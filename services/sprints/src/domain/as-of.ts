import type { Activity } from "@agileboard/proto";
import { changeCount, rewind } from "@agileboard/kit";
import type { Sprint, SprintStatus } from "./sprint.js";

/**
 * A sprint as it was at a time T, from the row now and the activity rows written after T (oldest first): a
 * sprint created after T did not exist; a deletion after T is undone; name, goal, starts_at_ms, ends_at_ms
 * and status take the old values of the oldest changes after T; started_at / completed_at / carry-over are
 * kept only when the status then says they had happened. Version is the version now minus the changes since.
 */
export function sprintAsOf(
  now: Sprint,
  rowsAfter: readonly Activity[],
  asOfMs: number,
  lastChange: { atMs: number; userId: string } | undefined,
  parseStatus: (text: string) => SprintStatus | undefined,
): Sprint | undefined {
  if (now.createdAt > asOfMs) return undefined;
  if (rowsAfter.length === 0) return now;
  const then = rewind<Sprint>(now, rowsAfter, (state, row) => {
    if (row.action === "deleted") return { ...state, deletedAt: null };
    if (row.action !== "updated") return state;
    switch (row.fieldName) {
      case "name":
        return { ...state, name: row.oldValue };
      case "goal":
        return { ...state, goal: row.oldValue };
      case "starts_at_ms":
        return { ...state, startsAt: Number(row.oldValue) || 0 };
      case "ends_at_ms":
        return { ...state, endsAt: Number(row.oldValue) || 0 };
      case "status":
        return { ...state, status: parseStatus(row.oldValue) ?? state.status };
      default:
        return state;
    }
  });
  const started = then.status !== "planned";
  const ended = then.status === "completed" || then.status === "cancelled";
  return {
    ...then,
    startedAt: started ? then.startedAt : null,
    completedAt: ended ? then.completedAt : null,
    carryOverSprintId: then.status === "completed" ? then.carryOverSprintId : null,
    version: Math.max(1, now.version - changeCount(rowsAfter)),
    updatedAt: lastChange?.atMs ?? now.createdAt,
    updatedBy: lastChange?.userId ?? now.createdBy,
  };
}
