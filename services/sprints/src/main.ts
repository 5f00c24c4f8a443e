#!/usr/bin/env node
import { configOrExit, runDomainService } from "@agileboard/kit";
import { loadSprintsConfig } from "./config.js";
import { sprintsService } from "./service.js";

await runDomainService(sprintsService, configOrExit(() => loadSprintsConfig()));
