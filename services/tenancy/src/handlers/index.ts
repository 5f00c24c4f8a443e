import { listActivityHandler, type ServiceHandlers, type ServiceRuntime } from "@agileboard/kit";
import { requireAccess } from "../access.js";
import type { TenancyServiceService } from "@agileboard/proto";
import { addProjectMember } from "./add-project-member.js";
import { checkProjectAccess } from "./check-project-access.js";
import { createProject } from "./create-project.js";
import { listProjectMembers } from "./list-project-members.js";
import { listProjects } from "./list-projects.js";
import { removeProjectMember } from "./remove-project-member.js";
import { updateProject } from "./update-project.js";

/** Every TenancyService RPC and its handler. */
export function buildHandlers(rt: ServiceRuntime): ServiceHandlers<typeof TenancyServiceService> {
  return {
    createProject: createProject(rt),
    listProjects: listProjects(rt),
    updateProject: updateProject(rt),
    addProjectMember: addProjectMember(rt),
    removeProjectMember: removeProjectMember(rt),
    listProjectMembers: listProjectMembers(rt),
    listActivity: listActivityHandler(rt.store, async (call, projectId) => requireAccess(rt.store.open(call.tenantId), call, projectId, "read")),
    checkProjectAccess: checkProjectAccess(rt),
    ...rt.archive.handlers(),
  };
}
