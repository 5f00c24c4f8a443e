// `@agileboard/proto/wire`: the agileboard.v1 messages for clients, browsers included. The same messages as the
// main entry, generated without gRPC services and descriptors (src/gen-wire), so importing it pulls in no
// Node-only code (@grpc/grpc-js) and no descriptor data. Service definitions here are plain objects naming each
// RPC's request and reply message, for deriving types.
export * from "./gen-wire/agileboard/v1/common.js";
export * from "./gen-wire/agileboard/v1/activity.js";
export * from "./gen-wire/agileboard/v1/projects.js";
export * from "./gen-wire/agileboard/v1/work_items.js";
export * from "./gen-wire/agileboard/v1/sprints.js";
export * from "./gen-wire/agileboard/v1/tenant_archive.js";
export * from "./gen-wire/agileboard/v1/webhooks.js";
export * from "./gen-wire/agileboard/v1/events.js";
export * from "./gen-wire/agileboard/v1/frames.js";
// Every generated file declares these helpers; naming them here picks one and settles the ambiguity.
export { type DeepPartial, type MessageFns, protobufFileName, protobufPackage } from "./gen-wire/agileboard/v1/frames.js";
