import { ProjectRole } from "@agileboard/client";
import type { Project, ProjectMember } from "@agileboard/proto/wire";
import { useEffect, useState, type FormEvent } from "react";
import { useApp } from "../../app/app-context.js";
import { FormError } from "../../store/projects-store.js";
import { describeError } from "../../store/words.js";
import { Avatar } from "../../ui/Avatar.js";
import { Dialog } from "../../ui/Dialog.js";

const ROLE_LABEL: Record<number, string> = {
  [ProjectRole.PROJECT_ROLE_VIEWER]: "Viewer",
  [ProjectRole.PROJECT_ROLE_EDITOR]: "Editor",
  [ProjectRole.PROJECT_ROLE_ADMIN]: "Admin",
};
const ROLES = [ProjectRole.PROJECT_ROLE_VIEWER, ProjectRole.PROJECT_ROLE_EDITOR, ProjectRole.PROJECT_ROLE_ADMIN];

/** Who is in a project with which role; admins add, change and remove (the server enforces who may). */
export function MembersDialog({ project, onClose }: { project: Project; onClose: () => void }) {
  const { projects } = useApp();
  const [members, setMembers] = useState<ProjectMember[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [userId, setUserId] = useState("");
  const [role, setRole] = useState<ProjectRole>(ProjectRole.PROJECT_ROLE_EDITOR);

  const load = async () => {
    try {
      setMembers(await projects.members(project.id));
    } catch (err) {
      setError(describeError(err));
    }
  };
  useEffect(() => {
    void load();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [project.id]);

  const run = async (what: string, action: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await action();
      await load();
      return true;
    } catch (err) {
      setError(`Couldn't ${what}: ${err instanceof FormError ? err.message : describeError(err)}`);
      return false;
    }
  };

  const add = async (e: FormEvent) => {
    e.preventDefault();
    if (await run(`add ${userId}`, () => projects.setMember(project.id, userId, role))) setUserId("");
  };

  return (
    <Dialog title={`Members of ${project.name}`} onClose={onClose}>
      <form className="inline-form" onSubmit={(e) => void add(e)}>
        <label className="sr-only" htmlFor="member-user">
          User to add
        </label>
        <input id="member-user" className="input" value={userId} onChange={(e) => setUserId(e.target.value)} placeholder="User id, e.g. bob" />
        <label className="sr-only" htmlFor="member-role">
          Role
        </label>
        <select id="member-role" className="select" value={role} onChange={(e) => setRole(Number(e.target.value))}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {ROLE_LABEL[r]}
            </option>
          ))}
        </select>
        <button type="submit" className="btn btn-primary" disabled={!userId.trim()}>
          Add
        </button>
      </form>
      {error ? (
        <p className="error-box" role="alert">
          {error}
        </p>
      ) : null}
      {members === undefined ? (
        <p className="muted">Loading members…</p>
      ) : (
        <ul className="members-list" aria-label="Members">
          {members.map((m) => (
            <li key={m.userId} className="member-row">
              <Avatar user={m.userId} size={26} />
              <span>{m.userId}</span>
              <label className="sr-only" htmlFor={`role-${m.userId}`}>
                Role of {m.userId}
              </label>
              <select id={`role-${m.userId}`} className="select select-sm" value={m.role} onChange={(e) => void run(`change the role of ${m.userId}`, () => projects.setMember(project.id, m.userId, Number(e.target.value)))}>
                {ROLES.map((r) => (
                  <option key={r} value={r}>
                    {ROLE_LABEL[r]}
                  </option>
                ))}
              </select>
              <button type="button" className="btn btn-ghost btn-sm btn-danger" aria-label={`Remove ${m.userId}`} onClick={() => void run(`remove ${m.userId}`, () => projects.removeMember(project.id, m.userId))}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
    </Dialog>
  );
}
