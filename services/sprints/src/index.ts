export { loadSprintsConfig, sprintsEnv, type SprintsConfig } from "./config.js";
export { startSprints, sprintsService } from "./service.js";
