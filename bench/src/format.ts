// Number formatting and progress lines shared by the scenarios and the report.
import type { LatencySummary } from "./ceilings/index.js";

export function num(n: number, digits = 0): string {
  if (!Number.isFinite(n)) return "—";
  return n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function ms(n: number): string {
  if (!Number.isFinite(n)) return "—";
  return n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : n.toFixed(0);
}

export function mib(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}

/** "p50 / p95 / p99 / max" in ms. */
export function lat(s: LatencySummary | undefined): string {
  if (!s || s.count === 0) return "—";
  return `${ms(s.p50)} / ${ms(s.p95)} / ${ms(s.p99)} / ${ms(s.max)}`;
}

/** A markdown table. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
}

const started = Date.now();
export function say(line: string): void {
  const t = ((Date.now() - started) / 1000).toFixed(0).padStart(4);
  process.stdout.write(`[${t}s] ${line}\n`);
}

export const sleep = (msDelay: number): Promise<void> => new Promise((r) => setTimeout(r, msDelay));
