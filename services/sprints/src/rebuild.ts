#!/usr/bin/env node
// Operator command: rebuild one tenant's sprint report read model from the event log.
//   SPRINTS_ADDRS=host:port node dist/rebuild.js <tenant>
import { callMetadata, configOrExit, createLogger, envAddressList, isTenantId, loadConfig, ReplicaRouter } from "@agileboard/kit";
import { SprintsServiceService } from "@agileboard/proto";

const config = configOrExit(() => loadConfig({ SPRINTS_ADDRS: envAddressList({ default: ["127.0.0.1:50053"] }) }));
const tenantId = process.argv[2] ?? "";
if (!isTenantId(tenantId)) {
  process.stderr.write("usage: node dist/rebuild.js <tenant-id>\n");
  process.exit(2);
}
const logger = createLogger({ service: "sprints-rebuild", level: "warn" });
const router = new ReplicaRouter({ service: "sprints", addresses: config.SPRINTS_ADDRS, deadlineMs: 120_000, logger, healthIntervalMs: 0 });
const reply = await router.call(
  tenantId,
  SprintsServiceService.rebuildReportModel,
  {},
  callMetadata({ tenantId, userId: "operator", roles: ["admin"], messageId: "", origin: "" }),
);
router.close();
process.stdout.write(`rebuilt the report read model of tenant ${tenantId} from ${reply.eventsApplied} work item events\n`);
