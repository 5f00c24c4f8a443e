import {
  checkOptionalId,
  cutPage,
  decodePageToken,
  forwardedMetadata,
  InvalidArgumentError,
  ViolationList,
  type CallContext,
  type RpcHandler,
} from "@agileboard/kit";
import { TenancyServiceService, WorkItem as WorkItemProto, type Project, type SearchWorkItemsRequest, type WorkItemSearchResult } from "@agileboard/proto";
import { ftsMatchExpression, parseSearchQuery, QueryError, type SearchQuery } from "../domain/search-query.js";
import { searchRepo } from "../repo/search-repo.js";
import { AccessLevel, presentItems, type WorkItemsDeps } from "./shared.js";

export const DEFAULT_SEARCH_PAGE_SIZE = 50;
export const MAX_SEARCH_PAGE_SIZE = 200;

function parse(query: string): SearchQuery {
  try {
    return parseSearchQuery(query);
  } catch (err) {
    if (err instanceof QueryError) throw new InvalidArgumentError(`'query' does not parse: ${err.message}`, [{ field: "query", description: err.message }]);
    throw err;
  }
}

/** The projects the caller can read (tenancy decides), every page of them. */
async function readableProjects(deps: WorkItemsDeps, call: CallContext): Promise<Project[]> {
  const out: Project[] = [];
  let pageToken = "";
  do {
    const page = await deps.tenancy.call(call.tenantId, TenancyServiceService.listProjects, { includeArchived: true, pageSize: 500, pageToken, asOfMs: 0 }, forwardedMetadata(call));
    out.push(...page.projects);
    pageToken = page.nextPageToken;
  } while (pageToken);
  return out;
}

/**
 * SearchWorkItems: words over titles and descriptions (FTS5, best matches first) and filters, in one project
 * or in every project the caller can read. Pages are offsets into the ranked result.
 */
export function searchWorkItems(deps: WorkItemsDeps): RpcHandler<SearchWorkItemsRequest, WorkItemSearchResult> {
  return async (request, call) => {
    const v = new ViolationList();
    checkOptionalId(v, "project_id", request.projectId);
    if (!Number.isInteger(request.pageSize) || request.pageSize < 0 || request.pageSize > MAX_SEARCH_PAGE_SIZE) v.add("page_size", `must be from 0 to ${MAX_SEARCH_PAGE_SIZE}`);
    v.throwIfAny();
    const query = parse(request.query);
    const offset = Number(decodePageToken(request.pageToken, 1)?.[0] ?? 0);
    if (!Number.isInteger(offset) || offset < 0) throw new InvalidArgumentError("'page_token' is not a token this server issued", [{ field: "page_token", description: "is not a token this server issued" }]);

    let projects: Project[];
    if (request.projectId) {
      const access = await deps.access.require(call, request.projectId, AccessLevel.ACCESS_LEVEL_READ);
      projects = [{ id: request.projectId, key: access.projectKey } as Project];
    } else {
      projects = await readableProjects(deps, call);
    }
    const idOfKey = new Map(projects.map((p) => [p.key, p.id]));
    let projectIds = projects.map((p) => p.id);
    if (query.projectKeys.length > 0) projectIds = query.projectKeys.flatMap((k) => idOfKey.get(k) ?? []);
    const numbers = query.keys.flatMap((k) => {
      const projectId = idOfKey.get(k.projectKey);
      return projectId ? [{ projectId, number: k.number }] : [];
    });
    // An item key of a project the caller cannot read matches nothing, like a key that does not exist.
    if (query.keys.length > 0 && numbers.length === 0) projectIds = [];

    const filter = {
      ...(ftsMatchExpression(query.text) !== undefined ? { match: ftsMatchExpression(query.text) as string } : {}),
      projectIds,
      statuses: query.statuses,
      types: query.types,
      priorities: query.priorities,
      assignees: query.assignees,
      sprints: query.sprints,
      labels: query.labels,
      parents: query.parents,
      numbers,
    };
    const db = deps.store.open(call.tenantId);
    const limit = request.pageSize || DEFAULT_SEARCH_PAGE_SIZE;
    const rows = projectIds.length === 0 ? [] : searchRepo.search(db, filter, { offset, limit: limit + 1 });
    const total = projectIds.length === 0 ? 0 : searchRepo.count(db, filter);
    const items = presentItems(db, rows.map((r) => r.item));
    const hits = rows.map((r, i) => ({ hit: { item: items[i] as WorkItemProto, snippet: r.snippet }, next: offset + i + 1 }));
    const { page, nextPageToken } = cutPage(hits, limit, (h) => WorkItemProto.encode(h.hit.item).finish().length + Buffer.byteLength(h.hit.snippet), (h) => [h.next]);
    return { hits: page.map((h) => h.hit), nextPageToken, total };
  };
}

