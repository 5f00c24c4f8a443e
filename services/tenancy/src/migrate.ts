#!/usr/bin/env node
import { configOrExit, createLogger, migrateAllTenants } from "@agileboard/kit";
import { loadTenancyConfig } from "./config.js";

const config = configOrExit(() => loadTenancyConfig());
const logger = createLogger({ service: "tenancy", level: config.LOG_LEVEL });
migrateAllTenants({ service: "tenancy", dataDir: config.DATA_DIR, migrationsDir: config.MIGRATIONS_DIR, logger });
