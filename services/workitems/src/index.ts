export { loadWorkitemsConfig, workitemsEnv, type WorkitemsConfig } from "./config.js";
export { startWorkitems, workitemsService } from "./service.js";
