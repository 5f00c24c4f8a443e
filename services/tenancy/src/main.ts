#!/usr/bin/env node
import { configOrExit, exitOnSignals } from "@agileboard/kit";
import { loadTenancyConfig } from "./config.js";
import { startTenancy } from "./service.js";

const config = configOrExit(() => loadTenancyConfig());
const running = await startTenancy(config);
exitOnSignals(running.stop, { logger: running.runtime.logger, graceMs: config.SHUTDOWN_GRACE_MS });
