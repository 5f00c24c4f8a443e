export { loadTenancyConfig, tenancyEnv, type TenancyConfig } from "./config.js";
export { startTenancy, tenancyService } from "./service.js";
