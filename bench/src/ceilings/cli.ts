#!/usr/bin/env node
// node bench/dist/ceilings/cli.js [--quick] [--json]: the ceilings alone, as a table (or JSON).
import { formatCeilings, measureCeilings } from "./index.js";

const args = new Set(process.argv.slice(2));
const results = await measureCeilings({
  quick: args.has("--quick"),
  subscriberCounts: [5, 100],
  broadcastCounts: [1_000, 5_000],
  onProgress: (message) => process.stderr.write(`${message}\n`),
});
process.stdout.write(args.has("--json") ? `${JSON.stringify(results, null, 2)}\n` : `${formatCeilings(results)}\n`);
