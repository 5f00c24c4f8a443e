import { protoFiles } from "@agileboard/proto";
import { describe, expect, it } from "vitest";
import { isMutation, requestKind, type RequestKind } from "./request-kind.js";

/** "move_work_item" → "moveWorkItem", the ts-proto case name. */
const camel = (name: string) => name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

const clientFrame = protoFiles.flatMap((f) => f.fileDescriptor.messageType).find((m) => m.name === "ClientFrame");
const contractCases = (clientFrame?.field ?? []).filter((f) => f.name !== "message_id").map((f) => camel(f.name));

/**
 * Every ClientFrame case and what the client does with it. A new case fails the first test until it is listed
 * here, so its kind is a decision, not an accident. Cases SPEC §3 names that the contract does not carry yet
 * (search, webhooks) are listed too.
 */
const EXPECTED: Record<string, RequestKind> = {
  ping: "control",
  subscribe: "control",
  unsubscribe: "control",
  refreshToken: "control",
  createProject: "mutation",
  listProjects: "read",
  updateProject: "mutation",
  addProjectMember: "mutation",
  removeProjectMember: "mutation",
  listProjectMembers: "read",
  createWorkItem: "mutation",
  updateWorkItem: "mutation",
  moveWorkItem: "mutation",
  deleteWorkItem: "mutation",
  getWorkItem: "read",
  listWorkItems: "read",
  restoreWorkItem: "mutation",
  searchWorkItems: "read",
  createSprint: "mutation",
  updateSprint: "mutation",
  startSprint: "mutation",
  completeSprint: "mutation",
  deleteSprint: "mutation",
  listSprints: "read",
  getSprintReport: "read",
  cancelSprint: "mutation",
  getSprint: "read",
  addComment: "mutation",
  updateComment: "mutation",
  deleteComment: "mutation",
  listComments: "read",
  startTimer: "mutation",
  stopTimer: "mutation",
  logTime: "mutation",
  deleteTimeEntry: "mutation",
  listTimeEntries: "read",
  addDependency: "mutation",
  removeDependency: "mutation",
  listDependencies: "read",
  listActivity: "read",
  createWebhook: "mutation",
  updateWebhook: "mutation",
  deleteWebhook: "mutation",
  listWebhooks: "read",
  listWebhookDeliveries: "read",
  testWebhook: "mutation",
};

describe("requestKind", () => {
  it("has an expected kind for every ClientFrame case of the contract", () => {
    expect(contractCases.length).toBeGreaterThan(30);
    expect(contractCases.filter((c) => !(c in EXPECTED))).toEqual([]);
  });

  it.each(Object.entries(EXPECTED))("classifies %s as %s", (caseName, kind) => {
    expect(requestKind(caseName)).toBe(kind);
    expect(isMutation(caseName)).toBe(kind === "mutation");
  });

  it("counts a case with an unknown verb as a mutation (queued and replayed, never failed offline)", () => {
    expect(requestKind("archiveProject")).toBe("mutation");
  });
});
