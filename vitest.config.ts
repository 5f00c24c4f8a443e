import { defineConfig } from "vitest/config";

// Workspace packages resolve to their TypeScript sources ("source" export condition), so tests never run
// against a stale dist/. Processes the tests spawn run the built dist/ (the test command builds first).
export default defineConfig({
  resolve: { conditions: ["source"] },
  ssr: { resolve: { conditions: ["source"], externalConditions: ["source"] } },
  test: {
    include: ["proto/**/*.test.ts", "packages/*/src/**/*.test.ts", "packages/*/test/**/*.test.ts", "services/*/src/**/*.test.ts", "services/*/test/**/*.test.ts"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
