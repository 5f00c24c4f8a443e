#!/usr/bin/env node
import { configOrExit, runDomainService } from "@agileboard/kit";
import { loadWorkitemsConfig } from "./config.js";
import { workitemsService } from "./service.js";

await runDomainService(workitemsService, configOrExit(() => loadWorkitemsConfig()));
