#!/usr/bin/env node
import { configOrExit, exitOnSignals, reportReadyToParent, startOrExit } from "@agileboard/kit";
import { loadGatewayConfig } from "./config.js";
import { startGateway } from "./service.js";

const config = configOrExit(() => loadGatewayConfig());
const gateway = await startOrExit(() => startGateway(config));
exitOnSignals(gateway.stop, { logger: gateway.logger, graceMs: config.SHUTDOWN_GRACE_MS });
reportReadyToParent(gateway.port);
