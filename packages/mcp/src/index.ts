export { createAgileboardMcpServer, httpApi, type ApiGet } from "./tools.js";
export { mcpEnv, loadMcpConfig } from "./config.js";
