#!/usr/bin/env node
import { configOrExit, runTenantMigrations } from "@agileboard/kit";
import { loadWorkitemsConfig } from "./config.js";

await runTenantMigrations("workitems", configOrExit(() => loadWorkitemsConfig()));
