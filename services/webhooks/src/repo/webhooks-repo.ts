import type { Database } from "better-sqlite3";
import { perDatabase } from "@agileboard/kit";
import type { Webhook } from "../domain/webhook.js";

interface WebhookRow {
  id: string;
  project_id: string;
  url: string;
  events: string;
  secret: string;
  active: number;
  delivered_through_sequence: number;
  version: number;
  created_at: number;
  created_by: string;
  updated_at: number;
  updated_by: string;
  deleted_at: number | null;
}

const COLUMNS = "id, project_id, url, events, secret, active, delivered_through_sequence, version, created_at, created_by, updated_at, updated_by, deleted_at";

const statements = perDatabase((db) => ({
  byId: db.prepare<[string], WebhookRow>(`SELECT ${COLUMNS} FROM webhooks WHERE id = ?`),
  save: db.prepare(
    `INSERT INTO webhooks (${COLUMNS}) VALUES (@id, @project_id, @url, @events, @secret, @active, @delivered_through_sequence, @version, @created_at, @created_by, @updated_at, @updated_by, @deleted_at)
     ON CONFLICT (id) DO UPDATE SET url = excluded.url, events = excluded.events, secret = excluded.secret, active = excluded.active,
       version = excluded.version, updated_at = excluded.updated_at, updated_by = excluded.updated_by, deleted_at = excluded.deleted_at`,
  ),
  byProject: db.prepare<[string, number, string, number], WebhookRow>(
    `SELECT ${COLUMNS} FROM webhooks WHERE project_id = ? AND deleted_at IS NULL AND (created_at, id) > (?, ?) ORDER BY created_at, id LIMIT ?`,
  ),
  active: db.prepare<[], WebhookRow>(`SELECT ${COLUMNS} FROM webhooks WHERE deleted_at IS NULL AND active = 1 ORDER BY created_at, id`),
  advance: db.prepare("UPDATE webhooks SET delivered_through_sequence = ? WHERE id = ? AND delivered_through_sequence < ?"),
}));

const toWebhook = (r: WebhookRow): Webhook => ({
  id: r.id,
  projectId: r.project_id,
  url: r.url,
  events: JSON.parse(r.events) as string[],
  secret: r.secret,
  active: r.active === 1,
  deliveredThroughSequence: r.delivered_through_sequence,
  version: r.version,
  createdAt: r.created_at,
  createdBy: r.created_by,
  updatedAt: r.updated_at,
  updatedBy: r.updated_by,
  deletedAt: r.deleted_at,
});

/** SQL over the `webhooks` table of one tenant database. */
export const webhooksRepo = {
  /** The webhook, deleted or not. */
  findById(db: Database, id: string): Webhook | undefined {
    const row = statements(db).byId.get(id);
    return row && toWebhook(row);
  },
  /** Inserts or updates everything but the delivery position (which only the worker moves). */
  save(db: Database, w: Webhook): void {
    statements(db).save.run({
      id: w.id,
      project_id: w.projectId,
      url: w.url,
      events: JSON.stringify(w.events),
      secret: w.secret,
      active: w.active ? 1 : 0,
      delivered_through_sequence: w.deliveredThroughSequence,
      version: w.version,
      created_at: w.createdAt,
      created_by: w.createdBy,
      updated_at: w.updatedAt,
      updated_by: w.updatedBy,
      deleted_at: w.deletedAt,
    });
  },
  /** Up to `limit` live webhooks of a project after (`createdAt`, `id`), oldest first. */
  listForProject(db: Database, projectId: string, page: { after?: readonly [number, string]; limit: number }): Webhook[] {
    const [createdAt, id] = page.after ?? [-1, ""];
    return statements(db).byProject.all(projectId, createdAt, id, page.limit).map(toWebhook);
  },
  /** Every live, active webhook of the tenant. */
  listActive(db: Database): Webhook[] {
    return statements(db).active.all().map(toWebhook);
  },
  /** Moves the delivery position forward (never back). */
  advance(db: Database, id: string, sequence: number): void {
    statements(db).advance.run(sequence, id, sequence);
  },
};
