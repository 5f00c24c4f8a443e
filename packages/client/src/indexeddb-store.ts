import type { QueuedMutation, QueueStore } from "./queue.js";

// The few IndexedDB shapes this store touches, declared here so the module also type-checks where the DOM types
// are absent (the Node test build). The calls are the standard IndexedDB API.
interface IdbRequest<T> {
  result: T;
  error: unknown;
  onsuccess: (() => void) | null;
  onerror: (() => void) | null;
}
interface IdbOpenRequest extends IdbRequest<IdbDatabase> {
  onupgradeneeded: (() => void) | null;
  onblocked: (() => void) | null;
}
interface IdbObjectStore {
  put(value: unknown): unknown;
  delete(key: number): unknown;
  getAll(): IdbRequest<unknown[]>;
}
interface IdbTransaction {
  objectStore(name: string): IdbObjectStore;
  error: unknown;
  oncomplete: (() => void) | null;
  onerror: (() => void) | null;
  onabort: (() => void) | null;
}
interface IdbDatabase {
  objectStoreNames: { contains(name: string): boolean };
  createObjectStore(name: string, options: { keyPath: string }): unknown;
  transaction(store: string, mode: "readonly" | "readwrite"): IdbTransaction;
  close(): void;
  onversionchange: (() => void) | null;
}
/** The part of the browser's `indexedDB` (an IDBFactory) this store uses. */
export interface IdbFactoryLike {
  open(name: string, version: number): IdbOpenRequest;
}

/** Options of `indexedDbQueueStore`. */
export interface IndexedDbQueueStoreOptions {
  /** Database name; give each signed-in user their own. Default "agileboard-queue". */
  databaseName?: string;
  /** The IndexedDB factory. Default `globalThis.indexedDB`. */
  indexedDB?: IdbFactoryLike;
}

const STORE = "mutations";
const SCHEMA_VERSION = 1;

/**
 * A queue store in IndexedDB (browsers): one object store, `mutations`, keyed by the queue position `seq`, so
 * pending mutations survive a reload. Each write is its own transaction and resolves once committed.
 */
export function indexedDbQueueStore(options: IndexedDbQueueStoreOptions = {}): QueueStore {
  const factory = options.indexedDB ?? (globalThis as { indexedDB?: IdbFactoryLike }).indexedDB;
  if (!factory) throw new Error("indexedDbQueueStore: no IndexedDB here (use memoryQueueStore in Node)");
  const name = options.databaseName ?? "agileboard-queue";
  let opened: Promise<IdbDatabase> | undefined;

  const database = (): Promise<IdbDatabase> => {
    opened ??= new Promise<IdbDatabase>((resolve, reject) => {
      const request = factory.open(name, SCHEMA_VERSION);
      request.onupgradeneeded = () => {
        if (!request.result.objectStoreNames.contains(STORE)) request.result.createObjectStore(STORE, { keyPath: "seq" });
      };
      request.onsuccess = () => {
        const db = request.result;
        // Another tab upgrading the schema must not wait on this connection forever.
        db.onversionchange = () => {
          db.close();
          opened = undefined;
        };
        resolve(db);
      };
      request.onerror = () => reject(request.error);
      request.onblocked = () => reject(new Error(`indexedDbQueueStore: opening '${name}' is blocked by another connection`));
    });
    return opened;
  };

  const write = async (op: (store: IdbObjectStore) => void): Promise<void> => {
    const db = await database();
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction(STORE, "readwrite");
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error ?? new Error("indexedDbQueueStore: transaction aborted"));
      op(tx.objectStore(STORE));
    });
  };

  return {
    async load() {
      const db = await database();
      return new Promise<QueuedMutation[]>((resolve, reject) => {
        // getAll returns records in key order, which is queue order.
        const request = db.transaction(STORE, "readonly").objectStore(STORE).getAll();
        request.onsuccess = () => resolve(request.result as QueuedMutation[]);
        request.onerror = () => reject(request.error);
      });
    },
    put: (mutation) => write((store) => store.put(mutation)),
    delete: (seq) => write((store) => store.delete(seq)),
    close() {
      void opened?.then((db) => db.close(), () => undefined);
      opened = undefined;
    },
  };
}
