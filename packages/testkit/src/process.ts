import { spawn, type ChildProcess } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (packages/testkit/{src,dist}/ → ../../..). */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** A child process running one built entry point (e.g. services/gateway/dist/main.js). */
export interface ChildService {
  pid: number;
  /** Everything it printed so far. */
  output(): string;
  /** Resolves with the exit code / signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM and wait. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL and wait: a crash. */
  kill(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Runs `node <entry>` (relative to the repository root) with `env` added to this process's environment,
 * and resolves once it printed a line matching `ready` (default: the "listening on" line every agileboard
 * process prints after binding).
 */
export function spawnEntry(entry: string, env: Record<string, string>, opts: { ready?: RegExp; timeoutMs?: number } = {}): Promise<ChildService> {
  const child: ChildProcess = spawn(process.execPath, [join(REPO_ROOT, entry)], {
    cwd: REPO_ROOT,
    // Readiness is read from the log, so it is never silenced.
    env: { ...process.env, ...env, LOG_LEVEL: !env["LOG_LEVEL"] || env["LOG_LEVEL"] === "silent" ? "info" : env["LOG_LEVEL"] },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  const ready = opts.ready ?? /listening on /;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${entry} did not become ready within ${opts.timeoutMs ?? 20_000} ms:\n${output}`));
    }, opts.timeoutMs ?? 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve({
          pid: child.pid ?? 0,
          output: () => output,
          exited,
          stop: () => {
            child.kill("SIGTERM");
            return exited;
          },
          kill: () => {
            child.kill("SIGKILL");
            return exited;
          },
        });
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited (${code ?? signal}) before it was ready:\n${output}`));
    });
  });
}
