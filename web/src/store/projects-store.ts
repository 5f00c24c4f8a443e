import { OfflineError, ProjectRole, type AgileboardClient } from "@agileboard/client";
import type { Project, ProjectMember } from "@agileboard/proto/wire";
import { Observable } from "./observable.js";
import { describeError } from "./words.js";

/** The projects page's state. */
export interface ProjectsSnapshot {
  projects: readonly Project[];
  loading: boolean;
  error: string | undefined;
  includeArchived: boolean;
}

/** A refused form: a message for the form and one per field the server named. */
export class FormError extends Error {
  constructor(
    message: string,
    readonly fields: Readonly<Record<string, string>>,
  ) {
    super(message);
  }
}

/** Turns a refusal into words for a form, keyed by the request field names. */
export function formErrorOf(error: unknown): FormError {
  const fields: Record<string, string> = {};
  const violations = (error as { violations?: { field: string; description: string }[] }).violations ?? [];
  for (const v of violations) fields[v.field] = v.description;
  return new FormError(describeError(error), fields);
}

/** Every page of a paged list. */
async function allPages<T>(load: (pageToken: string) => Promise<{ items: T[]; next: string }>): Promise<T[]> {
  const out: T[] = [];
  let token = "";
  do {
    const page = await load(token);
    out.push(...page.items);
    token = page.next;
  } while (token);
  return out;
}

/** The tenant's projects the user can see, and the actions of the projects page. */
export class ProjectsStore {
  readonly state: Observable<ProjectsSnapshot>;

  /** `storageName` keys the copy of the list kept in this browser, so a board opens offline too. */
  constructor(
    private readonly client: AgileboardClient,
    private readonly storageName: string,
  ) {
    this.state = new Observable<ProjectsSnapshot>({ projects: this.remembered(), loading: true, error: undefined, includeArchived: false });
  }

  private remembered(): Project[] {
    try {
      return JSON.parse(localStorage.getItem(`agileboard.projects:${this.storageName}`) ?? "[]") as Project[];
    } catch {
      return [];
    }
  }

  private remember(projects: readonly Project[]): void {
    try {
      localStorage.setItem(`agileboard.projects:${this.storageName}`, JSON.stringify(projects));
    } catch {
      // Storage full or blocked: only the offline copy is lost.
    }
  }

  async refresh(): Promise<void> {
    this.state.update((s) => ({ ...s, loading: true }));
    try {
      const includeArchived = this.state.get().includeArchived;
      const projects = await allPages(async (pageToken) => {
        const page = await this.client.request("listProjects", { includeArchived, pageToken, pageSize: 500 });
        return { items: page.projects, next: page.nextPageToken };
      });
      this.state.update((s) => ({ ...s, projects, loading: false, error: undefined }));
      this.remember(projects);
    } catch (error) {
      this.state.update((s) => ({ ...s, loading: false, error: error instanceof OfflineError ? undefined : describeError(error) }));
    }
  }

  setIncludeArchived(includeArchived: boolean): void {
    this.state.update((s) => ({ ...s, includeArchived }));
    void this.refresh();
  }

  /**
   * A project by key: from the list last seen in this browser when it is there (a board opens at once, offline
   * too; the board's own subscription then proves access and brings changes), else from the server.
   */
  async byKey(key: string): Promise<Project | undefined> {
    const seen = [...this.state.get().projects, ...this.remembered()].find((p) => p.key === key);
    if (seen) return seen;
    try {
      const all = await allPages(async (pageToken) => {
        const page = await this.client.request("listProjects", { includeArchived: true, pageToken, pageSize: 500 });
        return { items: page.projects, next: page.nextPageToken };
      });
      this.remember(all);
      return all.find((p) => p.key === key);
    } catch (error) {
      const known = [...this.state.get().projects, ...this.remembered()].find((p) => p.key === key);
      if (known) return known;
      throw error;
    }
  }

  /** Creates a project; a refusal comes back as a FormError naming the fields. */
  async create(fields: { key: string; name: string; description: string }): Promise<Project> {
    try {
      const project = await this.client.request("createProject", fields);
      this.state.update((s) => ({ ...s, projects: [...s.projects, project].sort((a, b) => a.key.localeCompare(b.key)) }));
      return project;
    } catch (error) {
      throw formErrorOf(error);
    }
  }

  async setArchived(project: Project, archived: boolean): Promise<void> {
    try {
      const updated = await this.client.request("updateProject", { projectId: project.id, expectedVersion: project.version, archived });
      this.state.update((s) => ({
        ...s,
        projects: s.includeArchived || !archived ? s.projects.map((p) => (p.id === updated.id ? updated : p)) : s.projects.filter((p) => p.id !== updated.id),
      }));
    } catch (error) {
      throw formErrorOf(error);
    }
  }

  async members(projectId: string): Promise<ProjectMember[]> {
    return allPages(async (pageToken) => {
      const page = await this.client.request("listProjectMembers", { projectId, pageToken, pageSize: 1000 });
      return { items: page.members, next: page.nextPageToken };
    });
  }

  /** Adds a member or changes a role (the request is an upsert). */
  async setMember(projectId: string, userId: string, role: ProjectRole): Promise<ProjectMember> {
    try {
      return await this.client.request("addProjectMember", { projectId, userId: userId.trim(), role });
    } catch (error) {
      throw formErrorOf(error);
    }
  }

  async removeMember(projectId: string, userId: string): Promise<void> {
    try {
      await this.client.request("removeProjectMember", { projectId, userId });
    } catch (error) {
      throw formErrorOf(error);
    }
  }
}
