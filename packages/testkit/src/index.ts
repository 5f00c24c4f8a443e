export * from "./wait.js";
export * from "./net.js";
export * from "./auth.js";
export * from "./client.js";
export * from "./system.js";
export * from "./factories.js";
export * from "./process.js";
export * from "./grpc.js";
