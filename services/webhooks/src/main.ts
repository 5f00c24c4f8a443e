#!/usr/bin/env node
import { configOrExit, runDomainService } from "@agileboard/kit";
import { loadWebhooksConfig } from "./config.js";
import { webhooksServiceFor } from "./service.js";

const config = configOrExit(() => loadWebhooksConfig());
await runDomainService(webhooksServiceFor(config), config);
