import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";

/** A nats-server child process with JetStream. */
export interface NatsServerProcess {
  url: string;
  port: number;
  pid: number;
  /** SIGTERM, then waits for exit (SIGKILL after 5 s). */
  stop(): Promise<void>;
  /** SIGKILL: a crash. */
  kill(): Promise<void>;
}

/** True when util-linux's `setpriv` can set a parent-death signal (Linux). */
function canSetParentDeathSignal(): boolean {
  return spawnSync("setpriv", ["--help"], { stdio: "ignore" }).status === 0;
}

/** True when a `nats-server` binary is on PATH. */
export function hasNatsServer(): boolean {
  return spawnSync("nats-server", ["--version"], { stdio: "ignore" }).status === 0;
}

/**
 * Starts `nats-server -js` on 127.0.0.1, storing JetStream data in `storeDir` (reuse it across restarts to
 * keep the stream). `port` 0 picks a free one. Resolves once the server accepts clients.
 */
export function startNatsServer(opts: { storeDir: string; port?: number; timeoutMs?: number }): Promise<NatsServerProcess> {
  mkdirSync(opts.storeDir, { recursive: true });
  const requestedPort = opts.port && opts.port > 0 ? String(opts.port) : "-1";
  const args = ["-js", "-sd", opts.storeDir, "-a", "127.0.0.1", "-p", requestedPort];
  // The kernel kills the server when this process dies, however it dies (SIGKILL, a crash): never an orphan.
  const [command, argv] = canSetParentDeathSignal() ? ["setpriv", ["--pdeathsig", "KILL", "--", "nats-server", ...args]] : ["nats-server", args];
  const child = spawn(command, argv as string[], { stdio: ["ignore", "ignore", "pipe"] });
  return new Promise((resolve, reject) => {
    let log = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`nats-server did not start within ${opts.timeoutMs ?? 10_000} ms:\n${log}`));
    }, opts.timeoutMs ?? 10_000);
    child.once("error", (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot run nats-server (${err.message}); install it: apt-get install -y nats-server`));
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`nats-server exited with ${code}:\n${log}`));
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      log += chunk.toString();
      const match = /Listening for client connections on 127\.0\.0\.1:(\d+)/.exec(log);
      if (match?.[1] && log.includes("Server is ready")) {
        clearTimeout(timer);
        child.removeAllListeners("exit");
        child.stderr?.removeAllListeners("data");
        child.stderr?.resume();
        const port = Number(match[1]);
        resolve({ url: `nats://127.0.0.1:${port}`, port, pid: child.pid ?? 0, stop: () => terminate(child, "SIGTERM"), kill: () => terminate(child, "SIGKILL") });
      }
    });
  });
}

function terminate(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 5_000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill(signal);
  });
}
