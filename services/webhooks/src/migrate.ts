#!/usr/bin/env node
import { configOrExit, runTenantMigrations } from "@agileboard/kit";
import { loadWebhooksConfig } from "./config.js";

await runTenantMigrations("webhooks", configOrExit(() => loadWebhooksConfig()));
