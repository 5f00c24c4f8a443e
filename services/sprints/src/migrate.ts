#!/usr/bin/env node
import { configOrExit, createLogger, migrateAllTenants } from "@agileboard/kit";
import { loadSprintsConfig } from "./config.js";

const config = configOrExit(() => loadSprintsConfig());
const logger = createLogger({ service: "sprints", level: config.LOG_LEVEL });
migrateAllTenants({ service: "sprints", dataDir: config.DATA_DIR, migrationsDir: config.MIGRATIONS_DIR, logger });
