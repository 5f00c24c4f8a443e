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
}
