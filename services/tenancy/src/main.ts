#!/usr/bin/env node
import { configOrExit, runDomainService } from "@agileboard/kit";
import { loadTenancyConfig } from "./config.js";
import { tenancyService } from "./service.js";

await runDomainService(tenancyService, configOrExit(() => loadTenancyConfig()));
