// The runner's side of the subscriber workers: spreads sockets over forked processes, merges what they saw.
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { FromWorker, SocketSpec, ToWorker } from "./worker-protocol.js";

const WORKER = fileURLToPath(new URL("./worker.js", import.meta.url));

export interface Arrival {
  first: number;
  last: number;
  count: number;
}

export interface Collected {
  arrivals: Map<string, Arrival>;
  sockets: number;
  socketsWithEvents: number;
  frames: number;
  closes: number;
  closeCodes: Record<string, number>;
  errors: string[];
}

type Reply<T extends FromWorker["type"]> = Extract<FromWorker, { type: T }>;

class Worker {
  private nextId = 0;
  private readonly waiting = new Map<number, (m: FromWorker) => void>();
  constructor(readonly child: ChildProcess, onProgress: (m: Reply<"progress">) => void) {
    child.on("message", (m: FromWorker & { id?: number }) => {
      if (m.type === "progress") onProgress(m);
      else if (m.id !== undefined) {
        this.waiting.get(m.id)?.(m);
        this.waiting.delete(m.id);
      }
    });
  }
  call<T extends FromWorker["type"]>(msg: ToWorker): Promise<Reply<T>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const onExit = (): void => reject(new Error(`subscriber worker ${this.child.pid} exited`));
      this.child.once("exit", onExit);
      this.waiting.set(id, (m) => {
        this.child.off("exit", onExit);
        resolve(m as Reply<T>);
      });
      this.child.send({ ...msg, id });
    });
  }
}

export class SubscriberPool {
  private opened = 0;
  private constructor(private readonly workers: Worker[]) {}

  static start(count: number, onProgress: (opened: number) => void = () => undefined): SubscriberPool {
    const progress = new Map<number, number>();
    const workers = Array.from({ length: count }, (_, i) => {
      const child = fork(WORKER, [], { serialization: "advanced", stdio: ["ignore", "inherit", "inherit", "ipc"], execArgv: ["--max-old-space-size=4096"] });
      return new Worker(child, (m) => {
        progress.set(i, m.opened);
        onProgress([...progress.values()].reduce((a, b) => a + b, 0));
      });
    });
    return new SubscriberPool(workers);
  }

  get pids(): number[] {
    return this.workers.map((w) => w.child.pid ?? 0);
  }

  /** Opens sockets, spread round-robin over the workers; each socket = [token index, project index]. */
  async open(url: string, mode: "sdk" | "thin", tokens: string[], projects: string[], sockets: SocketSpec[], concurrency = 64): Promise<{ ok: number; failed: number; errors: string[] }> {
    const parts: SocketSpec[][] = this.workers.map(() => []);
    sockets.forEach((s, i) => parts[(this.opened + i) % parts.length]?.push(s));
    this.opened += sockets.length;
    const replies = await Promise.all(
      this.workers.map((w, i) => w.call<"opened">({ type: "open", url, mode, tokens, projects, sockets: parts[i] ?? [], concurrency: Math.ceil(concurrency / this.workers.length) })),
    );
    return { ok: replies.reduce((n, r) => n + r.ok, 0), failed: replies.reduce((n, r) => n + r.failed, 0), errors: replies.flatMap((r) => r.errors).slice(0, 10) };
  }

  async reset(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.call({ type: "reset" })));
  }

  async collect(): Promise<Collected> {
    const replies = await Promise.all(this.workers.map((w) => w.call<"collected">({ type: "collect" })));
    const arrivals = new Map<string, Arrival>();
    const out: Collected = { arrivals, sockets: 0, socketsWithEvents: 0, frames: 0, closes: 0, closeCodes: {}, errors: [] };
    for (const r of replies) {
      r.keys.forEach((key, i) => {
        const first = r.first[i] ?? 0;
        const last = r.last[i] ?? 0;
        const count = r.count[i] ?? 0;
        const a = arrivals.get(key);
        if (!a) arrivals.set(key, { first, last, count });
        else {
          a.count += count;
          if (first < a.first) a.first = first;
          if (last > a.last) a.last = last;
        }
      });
      out.sockets += r.sockets;
      out.socketsWithEvents += r.socketsWithEvents;
      out.frames += r.frames;
      out.closes += r.closes;
      for (const [code, n] of Object.entries(r.closeCodes)) out.closeCodes[code] = (out.closeCodes[code] ?? 0) + n;
      out.errors.push(...r.errors);
    }
    out.errors = out.errors.slice(0, 10);
    return out;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => Promise.race([w.call({ type: "close" }), new Promise((r) => setTimeout(r, 10_000))])));
    for (const w of this.workers) w.child.kill("SIGTERM");
  }
}
