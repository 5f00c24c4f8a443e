export { startEmbedded, type EmbeddedSystem } from "./embedded.js";
export { launcherEnv } from "./config.js";
