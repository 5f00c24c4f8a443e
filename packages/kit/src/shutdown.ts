import { readFileSync } from "node:fs";
import type { Logger } from "./log.js";

/**
 * Stops the process cleanly on SIGINT/SIGTERM: runs `stop` (which closes things in order), then exits 0.
 * If stopping takes longer than `graceMs` plus a margin, exits 1 anyway. A second signal exits at once.
 */
export function exitOnSignals(stop: () => Promise<void>, opts: { logger: Logger; graceMs: number }): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      opts.logger.warn({ signal }, "second signal, exiting now");
      process.exit(1);
    }
    stopping = true;
    opts.logger.info({ signal }, "shutting down");
    const force = setTimeout(() => {
      opts.logger.error({ grace_ms: opts.graceMs }, "shutdown took too long, exiting");
      process.exit(1);
    }, opts.graceMs + 5_000);
    force.unref();
    stop().then(
      () => {
        opts.logger.info("stopped");
        process.exit(0);
      },
      (err: unknown) => {
        opts.logger.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  // A closed terminal: stop as cleanly as for Ctrl-C instead of dying on the spot.
  process.on("SIGHUP", onSignal);
}

/** The parent pid of a process, from /proc (Linux); undefined where that cannot be read. */
function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ")".
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    return Number.isInteger(ppid) ? ppid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Stops the process when whatever launched it is gone: its parent and, one level up, the parent's parent
 * (`npm start` runs `sh -c node …`, so a SIGKILL of npm leaves sh and this process behind). Checked every
 * `intervalMs`; `stop` runs once, as for a signal.
 */
export function stopWhenLauncherDies(stop: () => void, intervalMs = 1_000): void {
  const parent = process.ppid;
  const grandparent = parentOf(parent);
  const watched = [parent, ...(grandparent !== undefined && grandparent > 1 ? [grandparent] : [])].filter((pid) => pid > 1);
  if (watched.length === 0) return;
  const timer = setInterval(() => {
    const gone = process.ppid !== parent || watched.some((pid) => !isRunning(pid));
    if (!gone) return;
    clearInterval(timer);
    stop();
  }, intervalMs);
  timer.unref();
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The message a supervised child sends its parent once it serves (the multi-process embedded default). */
export interface ReadyMessage {
  type: "agileboard:ready";
  port: number;
}

/**
 * When started by a supervising parent over an IPC channel (`fork`): tells it the process serves on `port`,
 * and stops as for SIGTERM when the channel closes — the parent exited, however it exited.
 */
export function reportReadyToParent(port: number): void {
  if (!process.send) return;
  const message: ReadyMessage = { type: "agileboard:ready", port };
  process.send(message);
  process.once("disconnect", () => process.kill(process.pid, "SIGTERM"));
}
