import { ClientFrame, protoFiles } from "@agileboard/proto";
import { describe, expect, it } from "vitest";
import { buildDispatchTable, LOCAL_CASES, serverFrameField } from "./table.js";

const clientFrame = protoFiles.flatMap((f) => f.fileDescriptor.messageType).find((m) => m.name === "ClientFrame");
const cases = (clientFrame?.field ?? []).filter((f) => f.name !== "message_id");

describe("dispatch table", () => {
  const table = buildDispatchTable(protoFiles);

  it("routes every ClientFrame case", () => {
    expect(cases.length).toBeGreaterThan(30);
    for (const field of cases) expect(table.get(field.number), field.name).toBeDefined();
    expect(table.size).toBe(cases.length);
  });

  it("answers ping, subscribe, unsubscribe and refresh_token in the gateway", () => {
    const local = [...table.values()].filter((r) => r.kind === "local").map((r) => r.caseName);
    expect(local.sort()).toEqual([...LOCAL_CASES].sort());
  });

  it.each([
    ["create_project", "tenancy", "/agileboard.v1.TenancyService/CreateProject", "project"],
    ["add_project_member", "tenancy", "/agileboard.v1.TenancyService/AddProjectMember", "project_member"],
    ["move_work_item", "workitems", "/agileboard.v1.WorkItemsService/MoveWorkItem", "work_item"],
    ["list_work_items", "workitems", "/agileboard.v1.WorkItemsService/ListWorkItems", "work_item_list"],
    ["add_comment", "workitems", "/agileboard.v1.WorkItemsService/AddComment", "comment"],
    ["get_sprint_report", "sprints", "/agileboard.v1.SprintsService/GetSprintReport", "sprint_report"],
  ])("sends %s to %s at %s, replying in %s", (name, service, path, reply) => {
    const field = cases.find((f) => f.name === name);
    const route = table.get(field?.number ?? -1);
    expect(route).toMatchObject({ kind: "unary", service, path, replyField: serverFrameField(protoFiles, reply) });
  });

  it("merges list_activity from the four services", () => {
    const field = cases.find((f) => f.name === "list_activity");
    const route = table.get(field?.number ?? -1);
    expect(route?.kind).toBe("merge");
    if (route?.kind === "merge") expect(route.targets.map((t) => t.service).sort()).toEqual(["sprints", "tenancy", "webhooks", "workitems"]);
  });

  it("keeps the case numbers of SPEC §3", () => {
    const numberOf = (name: string) => cases.find((f) => f.name === name)?.number;
    expect([numberOf("ping"), numberOf("create_project"), numberOf("create_work_item"), numberOf("list_work_items")]).toEqual([10, 20, 30, 35]);
    expect([numberOf("create_sprint"), numberOf("add_comment"), numberOf("start_timer"), numberOf("add_dependency"), numberOf("list_activity")]).toEqual([40, 50, 60, 70, 80]);
  });

  it("fails to build when a case has no RPC", () => {
    const broken = protoFiles.map((f) => ({
      ...f,
      fileDescriptor: { ...f.fileDescriptor, service: f.fileDescriptor.service.map((s) => ({ ...s, method: s.method.filter((m) => m.name !== "MoveWorkItem") })) },
    }));
    expect(() => buildDispatchTable(broken)).toThrow(/move_work_item/);
  });

  it("is consistent with the generated ClientFrame type", () => {
    // Every case name the generated code knows is a route (camelCase there, snake_case in the descriptor).
    const frame = ClientFrame.fromPartial({ messageId: "x", request: { $case: "getWorkItem", value: { workItemId: "y" } } });
    expect(frame.request?.$case).toBe("getWorkItem");
  });
});
