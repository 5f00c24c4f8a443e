#!/usr/bin/env node
import { configOrExit, createLogger, migrateAllTenants } from "@agileboard/kit";
import { loadSprintsConfig } from "./config.js";

const config = configOrExit(() => loadSprintsConfig());
const logger = createLogger({ service: "sprints", level: config.LOG_LEVEL });
await migrateAllTenants({
  service: "sprints",
  dataDir: config.DATA_DIR,
  migrationsDir: config.MIGRATIONS_DIR,
  natsUrl: config.NATS_URL,
  leaseTtlMs: config.LEASE_TTL_MS,
  exclusiveLocking: config.TENANT_DB_EXCLUSIVE,
  logger,
});
