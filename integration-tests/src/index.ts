export * from "./images.js";
export * from "./topology.js";
