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
  /** The `version` field of every line. Default: the package version of the caller, or "dev". */
  version?: string;
  /** Where lines go. Default: stdout, pretty-printed only when stdout is a terminal. */
  destination?: DestinationStream;
}

/** The one way an agileboard process makes its logger: JSON lines with `service` and `version`. */
export function createLogger(opts: LoggerOptions): Logger {
  const base = { service: opts.service, version: opts.version ?? "dev" };
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
