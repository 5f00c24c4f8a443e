export { loadWebhooksConfig, webhooksEnv, type WebhooksConfig } from "./config.js";
export { startWebhooks, webhooksServiceFor } from "./service.js";
export { signatureHeader, verifySignature } from "./domain/signature.js";
