import { readFileSync } from "node:fs";
import { pino, type DestinationStream, type Logger } from "pino";

export type { Logger };

/** Paths pino blanks out wherever they appear: credentials never reach a log line. */
const REDACTED_PATHS = [
  "authorization",
  "*.authorization",
  "headers.authorization",
  "req.headers.authorization",
  "token",
  "*.token",
  "jwt",
  "*.jwt",
];

/** Options of `createLogger`. */
export interface LoggerOptions {
  /** The `service` field of every line, e.g. "workitems". */
  service: string;
  /** pino level, from LOG_LEVEL. */
  level: string;
  /** The `version` field of every line. Default: `RELEASE_VERSION`. */
  version?: string;
  /** Where lines go. Default: stdout, pretty-printed only when stdout is a terminal. */
  destination?: DestinationStream;
}

/**
 * The release every agileboard package carries (the workspaces are versioned together), read from this
 * package's own package.json, which ships beside `dist/` in the images as in the repository.
 */
export const RELEASE_VERSION: string = (
  JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }
).version;

/** The one way an agileboard process makes its logger: JSON lines with `service` and `version`. */
export function createLogger(opts: LoggerOptions): Logger {
  const base = { service: opts.service, version: opts.version ?? RELEASE_VERSION };
  const options = {
    level: opts.level,
    base,
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    formatters: { level: (label: string) => ({ level: label }) },
  };
  if (opts.destination) return pino(options, opts.destination);
  if (process.stdout.isTTY) {
    return pino({ ...options, transport: { target: "pino-pretty", options: { colorize: true } } });
  }
  return pino(options);
}
