#!/usr/bin/env node
import { configOrExit, runTenantMigrations } from "@agileboard/kit";
import { loadSprintsConfig } from "./config.js";

await runTenantMigrations("sprints", configOrExit(() => loadSprintsConfig()));
