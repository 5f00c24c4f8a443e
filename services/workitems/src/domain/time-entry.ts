import { checkText, type ViolationList } from "@agileboard/kit";

/** A time entry as workitems stores it: a running timer has no end. */
export interface TimeEntry {
  id: string;
  workItemId: string;
  projectId: string;
  userId: string;
  startedAt: number;
  endedAt: number | null;
  durationMs: number;
  note: string;
  version: number;
  createdAt: number;
  deletedAt: number | null;
}

export const MAX_NOTE_CHARS = 1_000;
/** The longest single entry: a timer left running over a long weekend is a mistake, not work. */
export const MAX_ENTRY_DURATION_MS = 24 * 3600_000;

export function checkNote(v: ViolationList, note: string): void {
  checkText(v, "note", note, { min: 0, max: MAX_NOTE_CHARS });
}

/** Rules of a manually logged entry: it started in the past and lasted a positive time of at most a day. */
export function checkManualEntry(v: ViolationList, entry: { startedAtMs: number; durationMs: number }, now: number): void {
  if (!Number.isInteger(entry.startedAtMs) || entry.startedAtMs <= 0) v.add("started_at_ms", "is required (Unix ms)");
  else if (entry.startedAtMs > now) v.add("started_at_ms", "must not be in the future");
  if (!Number.isInteger(entry.durationMs) || entry.durationMs <= 0 || entry.durationMs > MAX_ENTRY_DURATION_MS) {
    v.add("duration_ms", `must be from 1 to ${MAX_ENTRY_DURATION_MS} ms`);
  }
}

/** A new entry on an item: a running timer when `durationMs` is null, else time logged from `startedAt`. */
export function newTimeEntry(f: {
  id: string;
  item: { id: string; projectId: string };
  userId: string;
  note: string;
  startedAt: number;
  durationMs: number | null;
  now: number;
}): TimeEntry {
  return {
    id: f.id,
    workItemId: f.item.id,
    projectId: f.item.projectId,
    userId: f.userId,
    startedAt: f.startedAt,
    endedAt: f.durationMs === null ? null : f.startedAt + f.durationMs,
    durationMs: f.durationMs ?? 0,
    note: f.note,
    version: 1,
    createdAt: f.now,
    deletedAt: null,
  };
}

/** A running timer, stopped at `now`. */
export function stopTimer(entry: TimeEntry, now: number): TimeEntry {
  const endedAt = Math.max(now, entry.startedAt);
  return { ...entry, endedAt, durationMs: endedAt - entry.startedAt, version: entry.version + 1 };
}

/** What an entry counts for: its duration, or the time so far while it runs. */
export function elapsedMs(entry: TimeEntry, now: number): number {
  return entry.endedAt === null ? Math.max(0, now - entry.startedAt) : entry.durationMs;
}
