// wsBroadcast[N]: one ws server process sending a ~200-byte binary frame to N sockets held by
// client processes; time from the send loop's start until the last socket has the frame.
import type { CeilingResults } from "./index.js";
import { Child } from "./processes.js";
import { summarize } from "./stats.js";
import { sleep, type Budget } from "./timing.js";

/** One client process: on two cores a second one would take CPU from the server it measures. */
const CLIENT_PROCESSES = 1;
/** Idle time between latency rounds, so each one starts on a quiet machine. */
const LATENCY_GAP_MS = 25;

interface Counts {
  subscribers: number;
  controls: number;
}

export async function measureWsBroadcast(n: number, budget: Budget, quick: boolean): Promise<CeilingResults["wsBroadcast"][number]> {
  const server = await Child.start<{ port: number }>("ws-broadcast-server");
  const clients: Child[] = [];
  try {
    const url = `ws://127.0.0.1:${server.info.port}`;
    for (let i = 0; i < CLIENT_PROCESSES; i++) {
      const count = Math.floor(n / CLIENT_PROCESSES) + (i < n % CLIENT_PROCESSES ? 1 : 0);
      clients.push(await Child.start("ws-sockets", { url, count, control: true }, 120_000));
    }
    for (let c = await server.call<Counts>("counts"); c.subscribers < n || c.controls < CLIENT_PROCESSES; c = await server.call<Counts>("counts")) {
      await sleep(20);
    }
    await server.call("run", { rounds: 1e9, durationMs: budget.warmupMs, gapMs: 0, record: false });
    // Closed loop: the next broadcast as soon as every socket has the previous one.
    const sustained = await server.call<{ rounds: number; elapsedMs: number }>("run", {
      rounds: 1e9,
      durationMs: budget.measureMs,
      gapMs: 0,
      record: false,
    });
    await server.call("run", { rounds: quick ? 20 : 50, durationMs: budget.measureMs * 2, gapMs: LATENCY_GAP_MS, record: true });
    const samples = (await Promise.all(clients.map((c) => c.call<number[]>("collect")))).flat();
    // With several client processes each reports its own last socket; the last of all is the per-round max.
    const perRound = CLIENT_PROCESSES === 1 ? samples : maxPerRound(samples, clients.length);
    return { perSecond: sustained.rounds / (sustained.elapsedMs / 1000), lastSubscriber: summarize(perRound) };
  } finally {
    for (const c of clients) c.kill();
    server.kill();
  }
}

function maxPerRound(concatenated: number[], processes: number): number[] {
  const rounds = concatenated.length / processes;
  return Array.from({ length: rounds }, (_, r) => Math.max(...Array.from({ length: processes }, (_, p) => concatenated[p * rounds + r] ?? 0)));
}
