import { configDefaults, defineConfig } from "vitest/config";

// Workspace packages resolve to their TypeScript sources ("source" export condition), so tests never run
// against a stale dist/. Processes the tests spawn run the built dist/ (the test command builds first).
export default defineConfig({
  resolve: { conditions: ["source"] },
  ssr: { resolve: { conditions: ["source"], externalConditions: ["source"] } },
  test: {
    // eventsource(-parser) publish TypeScript sources under the "source" condition too: bundled by vite (with the MCP
    // SDK that imports them), not loaded by Node.
    server: { deps: { inline: ["@modelcontextprotocol/sdk", "eventsource", "eventsource-parser"] } },
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["proto/**/*.test.ts", "packages/*/src/**/*.test.ts", "services/*/src/**/*.test.ts", "web/src/**/*.test.ts", "scripts/**/*.test.ts"] },
      },
      {
        extends: true,
        test: {
          name: "service",
          include: ["packages/*/test/**/*.test.ts", "services/{tenancy,workitems,sprints,webhooks}/test/**/*.test.ts"],
          // The SDK's tests run whole systems through the gateway: they are end-to-end tests.
          exclude: [...configDefaults.exclude, "packages/client/test/**"],
        },
      },
      {
        extends: true,
        test: { name: "chart", include: ["deploy/**/*.test.ts"] },
      },
      {
        extends: true,
        // A real Chromium against a whole system per file: one file at a time, generous limits.
        test: { name: "browser", include: ["web/test/**/*.test.ts"], fileParallelism: false, testTimeout: 120_000, hookTimeout: 120_000 },
      },
      {
        extends: true,
        // End-to-end files start whole systems and extra processes; one file at a time keeps 2 cores sane.
        test: { name: "e2e", include: ["services/gateway/test/**/*.test.ts", "packages/client/test/**/*.test.ts"], fileParallelism: false },
      },
    ],
  },
});
