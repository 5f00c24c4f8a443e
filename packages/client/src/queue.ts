import type { AnyRequest } from "./types.js";

/** One mutation kept until the server has answered it, as a queue store holds it. */
export interface QueuedMutation {
  /** Position in the queue: replays run in ascending order. */
  seq: number;
  /** The ClientFrame message_id it was first sent (or queued) with; every replay reuses it. */
  messageId: string;
  /** The request, `{ $case, value }`, with every field filled in. */
  request: AnyRequest;
  /** When it was made, Unix ms. */
  enqueuedAtMs: number;
  /** "tenant/user" of the session that made it, when known; another identity never replays it. */
  identity?: string;
}

/**
 * Where unanswered mutations are kept, so that a reload or a new client replays them. Operations are called one
 * at a time, in order; `load` returns the records in ascending `seq`.
 */
export interface QueueStore {
  load(): Promise<QueuedMutation[]>;
  put(mutation: QueuedMutation): Promise<void>;
  delete(seq: number): Promise<void>;
  /** Releases what the store holds open (a database connection). */
  close?(): void;
}

/**
 * A queue store in memory (Node, tests): it lives as long as the object, so a second client given the same
 * store replays what the first left behind.
 */
export function memoryQueueStore(): QueueStore {
  const records = new Map<number, QueuedMutation>();
  return {
    load: async () => [...records.values()].sort((a, b) => a.seq - b.seq).map((r) => structuredClone(r)),
    put: async (mutation) => void records.set(mutation.seq, structuredClone(mutation)),
    delete: async (seq) => void records.delete(seq),
  };
}

/** A mutation of the queue and its place in the current connection. */
export interface QueueEntry {
  readonly mutation: QueuedMutation;
  /** True once sent on the current socket and not answered yet. */
  sent: boolean;
  /** True once it has been (or is being) sent by a replay rather than straight away. */
  replayed: boolean;
  /** How long a send waits for the reply, ms (the request's own timeout; not stored). */
  timeoutMs?: number;
}

/**
 * The in-memory mirror of the queue store, in order, with every store write chained so that writes happen in the
 * order the queue changed. Reads (`entries`, `nextUnsent`) are synchronous.
 */
export class MutationQueue {
  private list: QueueEntry[] = [];
  private readonly byId = new Map<string, QueueEntry>();
  private nextSeq = 1;
  private writes: Promise<void>;
  /** Resolves when the store's records are loaded (they come before anything added since). */
  readonly ready: Promise<void>;

  constructor(
    private readonly store: QueueStore,
    private readonly onStoreError: (err: unknown) => void,
  ) {
    this.ready = store.load().then(
      (records) => {
        const loaded = [...records].sort((a, b) => a.seq - b.seq).map((mutation) => ({ mutation, sent: false, replayed: true }));
        this.list = [...loaded, ...this.list];
        for (const e of loaded) this.byId.set(e.mutation.messageId, e);
        this.nextSeq = Math.max(this.nextSeq, ...loaded.map((e) => e.mutation.seq + 1));
      },
      (err: unknown) => onStoreError(err),
    );
    this.writes = this.ready;
  }

  /** The entries in replay order. */
  get entries(): readonly QueueEntry[] {
    return this.list;
  }

  get size(): number {
    return this.list.length;
  }

  /** Appends a mutation (call after `ready`); the store write is chained behind earlier ones. */
  add(mutation: Omit<QueuedMutation, "seq">): QueueEntry {
    const entry: QueueEntry = { mutation: { ...mutation, seq: this.nextSeq++ }, sent: false, replayed: false };
    this.list.push(entry);
    this.byId.set(entry.mutation.messageId, entry);
    this.write(() => this.store.put(entry.mutation));
    return entry;
  }

  /** Drops an answered entry. */
  remove(entry: QueueEntry): void {
    const index = this.list.indexOf(entry);
    if (index < 0) return;
    this.list.splice(index, 1);
    if (this.byId.get(entry.mutation.messageId) === entry) this.byId.delete(entry.mutation.messageId);
    this.write(() => this.store.delete(entry.mutation.seq));
  }

  /** The first entry not sent on the current socket. */
  nextUnsent(): QueueEntry | undefined {
    return this.list.find((e) => !e.sent);
  }

  /** Finds the entry of a message id. */
  byMessageId(messageId: string): QueueEntry | undefined {
    return this.byId.get(messageId);
  }

  /** The socket is gone: nothing is in flight any more. */
  markAllUnsent(): void {
    for (const e of this.list) e.sent = false;
  }

  /** Resolves once every store write so far has finished. */
  flushed(): Promise<void> {
    return this.writes;
  }

  private write(op: () => Promise<void>): void {
    this.writes = this.writes.then(op).catch((err: unknown) => this.onStoreError(err));
  }
}
