#!/usr/bin/env node
// Operator command: rebuild one tenant's sprint report read model from the event log.
//   SPRINTS_ADDRS=host:port INTERNAL_AUTH_PRIVATE_KEY=/path/key.pem node dist/rebuild.js <tenant>
// The call carries an operator identity signed with the gateway's internal key, as every internal call must.
import {
  configOrExit,
  createLogger,
  envAddressList,
  envString,
  grpcTlsEnv,
  grpcTransport,
  identityMetadata,
  InternalTokenSigner,
  isTenantId,
  loadConfig,
  loadInternalSigningKeys,
  ReplicaRouter,
  startOrExit,
} from "@agileboard/kit";
import { SprintsServiceService } from "@agileboard/proto";

const config = configOrExit(() =>
  loadConfig({
    SPRINTS_ADDRS: envAddressList({ default: ["127.0.0.1:50053"] }),
    INTERNAL_AUTH_PRIVATE_KEY: envString({ default: "" }),
    ...grpcTlsEnv,
  }),
);
const tenantId = process.argv[2] ?? "";
if (!isTenantId(tenantId)) {
  process.stderr.write("usage: node dist/rebuild.js <tenant-id>\n");
  process.exit(2);
}
if (!config.INTERNAL_AUTH_PRIVATE_KEY) {
  process.stderr.write("INTERNAL_AUTH_PRIVATE_KEY: required (the gateway's internal identity key signs the operator call)\n");
  process.exit(2);
}
const keyPath = config.INTERNAL_AUTH_PRIVATE_KEY;
const { signer, transport } = await startOrExit(async () => ({
  signer: new InternalTokenSigner(loadInternalSigningKeys(keyPath), 60_000),
  transport: grpcTransport(config),
}));
const logger = createLogger({ service: "sprints-rebuild", level: "warn" });
const router = new ReplicaRouter({ service: "sprints", addresses: config.SPRINTS_ADDRS, deadlineMs: 120_000, logger, healthIntervalMs: 0, transport });
const { token } = await signer.mint({ tenantId, userId: "operator", roles: ["admin"], origin: "" }, "sprints");
const reply = await router.call(tenantId, SprintsServiceService.rebuildReportModel, {}, identityMetadata(token));
router.close();
process.stdout.write(`rebuilt the report read model of tenant ${tenantId} from ${reply.eventsApplied} work item events\n`);
