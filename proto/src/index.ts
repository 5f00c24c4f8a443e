// The agileboard.v1 contract as ts-proto generated it (src/gen, committed; `npm run proto` regenerates it).
export * from "./gen/agileboard/v1/common.js";
export * from "./gen/agileboard/v1/activity.js";
export * from "./gen/agileboard/v1/projects.js";
export * from "./gen/agileboard/v1/work_items.js";
export * from "./gen/agileboard/v1/sprints.js";
export * from "./gen/agileboard/v1/tenant_archive.js";
export * from "./gen/agileboard/v1/webhooks.js";
export * from "./gen/agileboard/v1/events.js";
export * from "./gen/agileboard/v1/frames.js";
// Every generated file declares these helpers; naming them here picks one and settles the ambiguity.
export {
  type DeepPartial,
  type MessageFns,
  protoMetadata,
  protobufFileName,
  protobufPackage,
} from "./gen/agileboard/v1/frames.js";
export { protoFiles, type ProtoMetadata } from "./descriptors.js";
