#!/usr/bin/env node
import { configOrExit, runTenantMigrations } from "@agileboard/kit";
import { loadTenancyConfig } from "./config.js";

await runTenantMigrations("tenancy", configOrExit(() => loadTenancyConfig()));
