export { startEmbedded, type EmbeddedSystem } from "./embedded.js";
export { launcherEnv } from "./config.js";
export { startSystem, type RunningSystem } from "./system.js";
export { type SystemProcess } from "./processes.js";
