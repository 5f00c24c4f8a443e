import { defineConfig } from "vitest/config";

// The container topology: one file at a time (shared host ports, one Docker engine), long hooks for builds.
export default defineConfig({
  resolve: { conditions: ["source"] },
  ssr: { resolve: { conditions: ["source"], externalConditions: ["source"] } },
  test: {
    name: "integration",
    include: ["integration-tests/test/**/*.test.ts"],
    pool: "forks",
    fileParallelism: false,
    hookTimeout: 240_000,
    testTimeout: 120_000,
  },
});
