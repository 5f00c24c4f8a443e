// sqliteWriteTx: the move transaction back to back on a file database, in this process
// (better-sqlite3 is synchronous: a second process would only add IPC).
import type { CeilingResults } from "./index.js";
import { openMoveDb, type MoveDb } from "./move-db.js";
import { makeTempDir, removeTempDir } from "./processes.js";
import { summarize } from "./stats.js";
import type { Budget } from "./timing.js";

/** Commits for `durationMs` of busy time; every 50 ms it yields, so a runner sharing this process keeps its sockets alive. */
async function commitFor(db: MoveDb, durationMs: number, samples: number[]): Promise<number> {
  const payload = new Uint8Array(200).fill(7);
  let busyMs = 0;
  while (busyMs < durationMs) {
    const sliceStart = performance.now();
    let t0 = sliceStart;
    while (t0 - sliceStart < 50) {
      db.move(payload);
      const t1 = performance.now();
      samples.push(t1 - t0);
      t0 = t1;
    }
    busyMs += t0 - sliceStart;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return busyMs;
}

export async function measureSqliteWriteTx(budget: Budget): Promise<CeilingResults["sqliteWriteTx"]> {
  const dir = makeTempDir("sqlite");
  const db = openMoveDb(dir);
  try {
    await commitFor(db, budget.warmupMs, []);
    const samples: number[] = [];
    const busyMs = await commitFor(db, budget.measureMs, samples);
    return { perSecond: samples.length / (busyMs / 1000), latency: summarize(samples) };
  } finally {
    db.close();
    removeTempDir(dir);
  }
}
