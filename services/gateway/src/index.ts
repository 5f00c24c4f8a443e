export { gatewayEnv, loadGatewayConfig, type GatewayConfig } from "./config.js";
export { startGateway, type RunningGateway } from "./service.js";
export { buildDispatchTable, type DispatchTable, type Route } from "./dispatch/table.js";
export { encodeEventFrame, encodeServerFrame, parseClientFrame } from "./dispatch/frame-codec.js";
