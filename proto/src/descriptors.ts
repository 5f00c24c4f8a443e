import { protoMetadata as activity } from "./gen/agileboard/v1/activity.js";
import { protoMetadata as common } from "./gen/agileboard/v1/common.js";
import { protoMetadata as events } from "./gen/agileboard/v1/events.js";
import { protoMetadata as frames, type ProtoMetadata } from "./gen/agileboard/v1/frames.js";
import { protoMetadata as projects } from "./gen/agileboard/v1/projects.js";
import { protoMetadata as sprints } from "./gen/agileboard/v1/sprints.js";
import { protoMetadata as tenantArchive } from "./gen/agileboard/v1/tenant_archive.js";
import { protoMetadata as webhooks } from "./gen/agileboard/v1/webhooks.js";
import { protoMetadata as workItems } from "./gen/agileboard/v1/work_items.js";

export type { ProtoMetadata };

/** The file descriptors of every agileboard.v1 file, for code that derives tables from the contract. */
export const protoFiles: readonly ProtoMetadata[] = [common, activity, tenantArchive, projects, workItems, sprints, webhooks, events, frames];
