/** What workitems knows of a sprint. */
export interface SprintView {
  sprintId: string;
  projectId: string;
  status: "planned" | "active" | "completed" | "cancelled" | "deleted";
  version: number;
}

/** Why an item of `projectId` cannot join `sprint`, or undefined when it can. */
export function sprintAssignmentProblem(projectId: string, sprint: SprintView | undefined): string | undefined {
  if (!sprint || sprint.status === "deleted") return "names no sprint";
  if (sprint.projectId !== projectId) return "is a sprint of another project";
  if (sprint.status === "completed" || sprint.status === "cancelled") return `is a ${sprint.status} sprint; it takes no more items`;
  return undefined;
}
