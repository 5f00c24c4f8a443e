#!/usr/bin/env node
import { configOrExit, createLogger, migrateAllTenants } from "@agileboard/kit";
import { loadWorkitemsConfig } from "./config.js";

const config = configOrExit(() => loadWorkitemsConfig());
const logger = createLogger({ service: "workitems", level: config.LOG_LEVEL });
await migrateAllTenants({
  service: "workitems",
  dataDir: config.DATA_DIR,
  migrationsDir: config.MIGRATIONS_DIR,
  natsUrl: config.NATS_URL,
  leaseTtlMs: config.LEASE_TTL_MS,
  exclusiveLocking: config.TENANT_DB_EXCLUSIVE,
  logger,
});
