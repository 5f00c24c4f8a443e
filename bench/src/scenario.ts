// What every scenario gets and gives back.
import type { BenchArgs } from "./args.js";
import type { Target } from "./system.js";

export interface ScenarioContext {
  args: BenchArgs;
  /** Starts the system for this scenario (or returns the --url one); `env` is ignored with --url. */
  system(env?: Record<string, string>): Promise<Target>;
}

export interface ScenarioResult {
  name: string;
  /** Markdown: a heading-less block of tables and lines. */
  markdown: string;
  /** The figures, for the JSON file and the ratio table. */
  data: Record<string, unknown>;
  /** Things the product did wrong (errors, lost events): printed, never hidden. */
  problems: string[];
  notes: string[];
}
