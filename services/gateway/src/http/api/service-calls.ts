import type { ReplicaRouter } from "@agileboard/kit";
import {
  ActivityList,
  CommentList,
  DependencyList,
  GetSprintReportRequest,
  GetSprintRequest,
  GetWorkItemRequest,
  ListActivityRequest,
  ListCommentsRequest,
  ListDependenciesRequest,
  ListProjectMembersRequest,
  ListProjectsRequest,
  ListSprintsRequest,
  ListTimeEntriesRequest,
  ListWorkItemsRequest,
  ProjectList,
  ProjectMemberList,
  SearchWorkItemsRequest,
  Sprint,
  SprintList,
  SprintReport,
  TimeEntryList,
  WorkItem,
  WorkItemList,
  WorkItemSearchResult,
  type DeepPartial,
  type MessageFns,
} from "@agileboard/proto";
import { mergeActivity } from "../../dispatch/activity-merge.js";
import type { DispatchTable, Route, ServiceName } from "../../dispatch/table.js";
import type { HttpCaller } from "./callers.js";

/** The ClientFrame cases the REST API and MCP read through: [request, reply] messages. */
interface Reads {
  list_projects: [ListProjectsRequest, ProjectList];
  list_project_members: [ListProjectMembersRequest, ProjectMemberList];
  list_work_items: [ListWorkItemsRequest, WorkItemList];
  get_work_item: [GetWorkItemRequest, WorkItem];
  search_work_items: [SearchWorkItemsRequest, WorkItemSearchResult];
  list_comments: [ListCommentsRequest, CommentList];
  list_time_entries: [ListTimeEntriesRequest, TimeEntryList];
  list_dependencies: [ListDependenciesRequest, DependencyList];
  list_sprints: [ListSprintsRequest, SprintList];
  get_sprint: [GetSprintRequest, Sprint];
  get_sprint_report: [GetSprintReportRequest, SprintReport];
  list_activity: [ListActivityRequest, ActivityList];
}

/** A read the REST API may make, by ClientFrame case name. */
export type ReadCase = keyof Reads;

const READS: { [C in ReadCase]: { request: MessageFns<Reads[C][0]>; reply: MessageFns<Reads[C][1]> } } = {
  list_projects: { request: ListProjectsRequest, reply: ProjectList },
  list_project_members: { request: ListProjectMembersRequest, reply: ProjectMemberList },
  list_work_items: { request: ListWorkItemsRequest, reply: WorkItemList },
  get_work_item: { request: GetWorkItemRequest, reply: WorkItem },
  search_work_items: { request: SearchWorkItemsRequest, reply: WorkItemSearchResult },
  list_comments: { request: ListCommentsRequest, reply: CommentList },
  list_time_entries: { request: ListTimeEntriesRequest, reply: TimeEntryList },
  list_dependencies: { request: ListDependenciesRequest, reply: DependencyList },
  list_sprints: { request: ListSprintsRequest, reply: SprintList },
  get_sprint: { request: GetSprintRequest, reply: Sprint },
  get_sprint_report: { request: GetSprintReportRequest, reply: SprintReport },
  list_activity: { request: ListActivityRequest, reply: ActivityList },
};

/**
 * The REST API's and MCP's only way to data: the very route a socket frame of the same case takes — the
 * dispatch table derived from the contract, the replica routers, and a signed identity for the caller — with
 * the request encoded as the frame's bytes would be and the reply decoded from the bytes a frame would carry.
 */
export class ServiceCalls {
  private readonly routes: ReadonlyMap<string, Route>;

  constructor(
    table: DispatchTable,
    private readonly routers: Readonly<Record<ServiceName, ReplicaRouter>>,
  ) {
    this.routes = new Map([...table.values()].map((r) => [r.caseName, r]));
  }

  async read<C extends ReadCase>(caller: HttpCaller, caseName: C, request: DeepPartial<Reads[C][0]>): Promise<Reads[C][1]> {
    const types = READS[caseName] as unknown as { request: MessageFns<Reads[C][0]>; reply: MessageFns<Reads[C][1]> };
    const body = types.request.encode(types.request.fromPartial(request)).finish();
    const route = this.routes.get(caseName);
    if (!route || route.kind === "local") throw new Error(`no service route for ${caseName}`);
    const call = async (service: ServiceName, path: string, bytes: Uint8Array) =>
      this.routers[service].callRaw(caller.tenantId, path, Buffer.from(bytes), await caller.metadataFor(service));
    const reply = route.kind === "unary" ? await call(route.service, route.path, body) : await mergeActivity(route.targets, body, call);
    return types.reply.decode(reply);
  }
}
