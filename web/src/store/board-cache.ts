import { openDB, type IDBPDatabase } from "idb";
import type { WorkItem } from "@agileboard/proto/wire";

/** A project's board as last confirmed by the server, kept so a reload while offline still shows it. */
export interface CachedBoard {
  projectId: string;
  items: WorkItem[];
  /** Newest event sequence applied: a reload resumes after it. */
  lastSequence: number;
  savedAtMs: number;
  /** The item each pending edit was made on, by message id (what an automatic merge compares against). */
  bases: Record<string, WorkItem>;
}

/** Board snapshots in IndexedDB, one database per user. Failures are swallowed: the cache is an optimisation. */
export class BoardCache {
  private db: Promise<IDBPDatabase> | undefined;

  constructor(private readonly databaseName: string) {}

  private open(): Promise<IDBPDatabase> {
    this.db ??= openDB(this.databaseName, 1, {
      upgrade(db) {
        db.createObjectStore("boards", { keyPath: "projectId" });
      },
    });
    return this.db;
  }

  async load(projectId: string): Promise<CachedBoard | undefined> {
    if (typeof indexedDB === "undefined") return undefined;
    try {
      return (await (await this.open()).get("boards", projectId)) as CachedBoard | undefined;
    } catch {
      return undefined;
    }
  }

  async save(board: CachedBoard): Promise<void> {
    if (typeof indexedDB === "undefined") return;
    try {
      await (await this.open()).put("boards", board);
    } catch {
      // A full or blocked store only costs the offline copy.
    }
  }

  close(): void {
    void this.db?.then((db) => db.close());
  }
}
