import { LRUCache } from "lru-cache";
import { AccessLevel, ProjectRole, TenancyServiceService, type ProjectAccess } from "@agileboard/proto";
import type { EventBus, Subscription } from "./bus/event-bus.js";
import { entityEventFilter, parseSubject } from "./bus/subjects.js";
import { FailedPreconditionError, NotFoundError, PermissionDeniedError } from "./errors.js";
import { forwardedMetadata, type CallContext } from "./grpc/call-context.js";
import type { ReplicaRouter } from "./grpc/replica-router.js";

/** Options of a ProjectAccessChecker. */
export interface ProjectAccessCheckerOptions {
  /** Router to the tenancy service. */
  tenancy: ReplicaRouter;
  /** Member and project events invalidate cached answers. */
  bus: EventBus;
  /** Longest a cached answer is used, ms (a safety net for a missed invalidation). Default 30 000. */
  ttlMs?: number;
  /** Most (tenant, project) pairs cached. Default 10 000. */
  maxProjects?: number;
}

const LEVEL_NAME: Record<AccessLevel, string> = {
  [AccessLevel.ACCESS_LEVEL_UNSPECIFIED]: "access",
  [AccessLevel.ACCESS_LEVEL_READ]: "read access",
  [AccessLevel.ACCESS_LEVEL_WRITE]: "write access",
  [AccessLevel.ACCESS_LEVEL_ADMIN]: "admin rights",
  [AccessLevel.UNRECOGNIZED]: "access",
};

/**
 * Asks tenancy whether the caller may act on a project. Read answers are remembered until a member or project
 * event for that project says they may have changed (or the TTL passes); write and admin checks always ask,
 * so a demotion, removal or archive takes effect for the very next change, not an event's trip later.
 */
export class ProjectAccessChecker {
  private readonly cache: LRUCache<string, Map<string, ProjectAccess>>;
  private readonly subscriptions: Subscription[];

  constructor(private readonly opts: ProjectAccessCheckerOptions) {
    this.cache = new LRUCache({ max: opts.maxProjects ?? 10_000, ttl: opts.ttlMs ?? 30_000 });
    const invalidate = ({ subject }: { subject: string }) => {
      const parts = parseSubject(subject);
      if (parts) this.invalidate(parts.tenantId, parts.projectId);
    };
    this.subscriptions = [opts.bus.listen(entityEventFilter("member"), invalidate), opts.bus.listen(entityEventFilter("project"), invalidate)];
  }

  /**
   * The caller's access to a project, if it reaches `level`. A project the caller cannot see is NOT_FOUND
   * (never its data); a member below the level is PERMISSION_DENIED; writing to an archived project is
   * FAILED_PRECONDITION. `subject` names what was asked for (default the project): a request about an item
   * of a project the caller cannot see says "work item '…' not found", exactly as for an unknown item, and
   * never which project the item is in.
   */
  async require(call: CallContext, projectId: string, level: AccessLevel, subject = `project '${projectId}'`): Promise<ProjectAccess> {
    const access = await this.lookup(call, projectId, level);
    if (!access.granted) {
      if (access.role === ProjectRole.PROJECT_ROLE_UNSPECIFIED) throw new NotFoundError(`${subject} not found`);
      throw new PermissionDeniedError(`${LEVEL_NAME[level]} to project '${projectId}' is required`);
    }
    if (access.archived && level >= AccessLevel.ACCESS_LEVEL_WRITE) {
      throw new FailedPreconditionError(`project '${projectId}' is archived; unarchive it first`);
    }
    return access;
  }

  /** Forgets cached answers for one project. */
  invalidate(tenantId: string, projectId: string): void {
    this.cache.delete(`${tenantId}/${projectId}`);
  }

  close(): void {
    for (const s of this.subscriptions) s.close();
  }

  private async lookup(call: CallContext, projectId: string, level: AccessLevel): Promise<ProjectAccess> {
    const projectKey = `${call.tenantId}/${projectId}`;
    const callerKey = `${call.userId}\0${call.roles.join(",")}`;
    const cacheable = level === AccessLevel.ACCESS_LEVEL_READ;
    const cached = cacheable ? this.cache.get(projectKey)?.get(callerKey) : undefined;
    if (cached) return cached;
    const access = await this.opts.tenancy.call(
      call.tenantId,
      TenancyServiceService.checkProjectAccess,
      { projectId, required: level },
      forwardedMetadata(call),
    );
    if (!cacheable) return access;
    let perCaller = this.cache.get(projectKey);
    if (!perCaller) {
      perCaller = new Map();
      this.cache.set(projectKey, perCaller);
    }
    perCaller.set(callerKey, access);
    return access;
  }
}
