// Every child process, nats-server and temp dir a measurement starts is registered here, so that a
// finally block, an exit or a Ctrl-C removes them all, by PID and by path.
import { fork, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startNatsServer as startKitNatsServer } from "@agileboard/kit";
import type { ChildMessage } from "./children/ipc.js";

const live = new Set<ChildProcess>();
const tempDirs = new Set<string>();

function killChild(proc: ChildProcess): void {
  live.delete(proc);
  if (proc.exitCode === null && proc.signalCode === null && proc.pid !== undefined) {
    try {
      process.kill(proc.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

/** Kills every registered process and removes every registered temp dir (synchronous: safe in exit handlers). */
export function cleanupAll(): void {
  for (const proc of [...live]) killChild(proc);
  for (const dir of [...tempDirs]) removeTempDir(dir);
}

function onSigint(): void {
  cleanupAll();
  process.off("SIGINT", onSigint);
  // Nobody else handles Ctrl-C: re-raise it for Node's default exit.
  if (process.listenerCount("SIGINT") === 0) process.kill(process.pid, "SIGINT");
}

/** Installs the exit and SIGINT cleanup for the duration of `fn`, then cleans up. */
export async function withCleanup<T>(fn: () => Promise<T>): Promise<T> {
  process.on("SIGINT", onSigint);
  process.on("exit", cleanupAll);
  try {
    return await fn();
  } finally {
    cleanupAll();
    process.off("SIGINT", onSigint);
    process.off("exit", cleanupAll);
  }
}

export function makeTempDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `agileboard-ceiling-${label}-`));
  tempDirs.add(dir);
  return dir;
}

export function removeTempDir(dir: string): void {
  tempDirs.delete(dir);
  rmSync(dir, { recursive: true, force: true });
}

/** A child running one compiled file of ./children/, driven by request/reply over IPC. */
export class Child<Info = unknown> {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();

  private constructor(
    readonly name: string,
    private readonly proc: ChildProcess,
    /** What the child announced when ready (e.g. the port it listens on). */
    readonly info: Info,
  ) {
    proc.on("message", (m: ChildMessage) => {
      if (m.type !== "reply") return;
      const waiter = this.pending.get(m.id);
      if (!waiter) return;
      this.pending.delete(m.id);
      if (m.ok) waiter.resolve(m.value);
      else waiter.reject(new Error(`${name}: ${m.error}`));
    });
    proc.on("exit", (code, signal) => {
      live.delete(proc);
      for (const waiter of this.pending.values()) waiter.reject(new Error(`${name} exited (${code ?? signal})`));
      this.pending.clear();
    });
  }

  /** Forks `children/<file>.js` with `args` (JSON in argv) and waits for its ready message. */
  static async start<Info = unknown>(file: string, args: unknown = {}, timeoutMs = 30_000): Promise<Child<Info>> {
    const proc = fork(new URL(`./children/${file}.js`, import.meta.url), [JSON.stringify(args)], {
      serialization: "advanced",
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    live.add(proc);
    try {
      const info = await new Promise<Info>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${file} not ready after ${timeoutMs} ms`)), timeoutMs);
        proc.once("exit", (code, signal) => reject(new Error(`${file} exited before ready (${code ?? signal})`)));
        proc.on("message", (m: ChildMessage) => {
          if (m.type !== "ready") return;
          clearTimeout(timer);
          resolve(m.info as Info);
        });
      });
      return new Child<Info>(file, proc, info);
    } catch (err) {
      killChild(proc);
      throw err;
    }
  }

  call<R = unknown>(cmd: string, args: unknown = {}): Promise<R> {
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.proc.send({ type: "call", id, cmd, args });
    });
  }

  kill(): void {
    killChild(this.proc);
  }
}


export interface NatsServer {
  url: string;
  stop(): void;
}

/**
 * A private nats-server with JetStream in a temp dir — the kit's, which the kernel stops when this process
 * dies however it dies (no orphan after a SIGKILL of the bench).
 */
export async function startNatsServer(): Promise<NatsServer> {
  const dir = makeTempDir("nats");
  try {
    const server = await startKitNatsServer({ storeDir: dir });
    return {
      url: server.url,
      stop: () => {
        void server.kill().finally(() => removeTempDir(dir));
      },
    };
  } catch (err) {
    removeTempDir(dir);
    throw err;
  }
}
