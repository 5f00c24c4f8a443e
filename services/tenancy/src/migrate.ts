#!/usr/bin/env node
import { configOrExit, createLogger, migrateAllTenants } from "@agileboard/kit";
import { loadTenancyConfig } from "./config.js";

const config = configOrExit(() => loadTenancyConfig());
const logger = createLogger({ service: "tenancy", level: config.LOG_LEVEL });
await migrateAllTenants({
  service: "tenancy",
  dataDir: config.DATA_DIR,
  migrationsDir: config.MIGRATIONS_DIR,
  natsUrl: config.NATS_URL,
  leaseTtlMs: config.LEASE_TTL_MS,
  exclusiveLocking: config.TENANT_DB_EXCLUSIVE,
  logger,
});
