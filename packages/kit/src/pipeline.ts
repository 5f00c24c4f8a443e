import type { Database } from "better-sqlite3";
import { Event, type FieldChange, type MessageFns } from "@agileboard/proto";
import { eventSubject, type EventEntity } from "./bus/subjects.js";
import { InvalidArgumentError } from "./errors.js";
import type { CallContext } from "./grpc/call-context.js";
import { newId } from "./ids.js";
import type { OutboxRelay } from "./outbox-relay.js";
import { recordActivity, type ActivityEntry } from "./storage/activity.js";
import { findIdempotencyRecord, hashRequest, saveIdempotencyRecord } from "./storage/idempotency.js";
import { isEventProcessed, markEventProcessed } from "./storage/processed-events.js";
import { appendToOutbox } from "./storage/outbox.js";
import type { TenantStore } from "./storage/tenant-store.js";
import { LocalLeases, type TenantLeases } from "./leases.js";

/** An event to emit, before the pipeline gives it an id, actor, time and subject. */
export interface EventDraft {
  projectId: string;
  entity: EventEntity;
  change: NonNullable<Event["change"]>;
  /** Field-level changes, for *_updated events. */
  changes?: FieldChange[];
}

/** What a mutation's body can touch: the tenant database inside the transaction, and its side records. */
export interface Transaction {
  db: Database;
  call: CallContext;
  /** The mutation's clock reading (Unix ms), one per mutation. */
  now: number;
  /** Audit rows, written in this transaction. `userId` and `at` default to the caller and `now`. */
  recordActivity(entries: readonly (Omit<ActivityEntry, "userId" | "at"> & Partial<Pick<ActivityEntry, "userId" | "at">>)[]): void;
  /** An event, queued in the outbox in this transaction and published after commit. */
  emit(draft: EventDraft): void;
}

/**
 * A mutation declared by its parts. The pipeline runs them in the seed's order: idempotency → validation →
 * authorization → one transaction (change + activity rows + outbox + idempotency record) → reply; the relay
 * publishes the event after commit. No handler repeats a step.
 */
export interface MutationSpec<Req, Res, Auth> {
  /** The RPC name, stored with the idempotency record. */
  operation: string;
  /** Encodes the request for the idempotency hash. */
  requestType: Pick<MessageFns<Req>, "encode">;
  /** Encodes the reply for the idempotency record, and decodes a replayed one. */
  replyType: Pick<MessageFns<Res>, "encode" | "decode">;
  /** Throws InvalidArgumentError listing every violation. No I/O. */
  validate(request: Req): void;
  /** Decides whether the caller may do this; may read the database and ask tenancy. */
  authorize(request: Req, call: CallContext, db: () => Database): Promise<Auth>;
  /** The change itself, synchronous, inside the transaction: re-reads what it needs, checks versions, writes. */
  execute(request: Req, tx: Transaction, auth: Auth): Res;
}

/** A read declared by its parts: validation → authorization → read. */
export interface QuerySpec<Req, Res, Auth> {
  validate(request: Req): void;
  authorize(request: Req, call: CallContext, db: () => Database): Promise<Auth>;
  read(request: Req, db: Database, call: CallContext, auth: Auth): Res;
}

/** Runs mutations and queries against one service's tenant store. */
export class Pipeline {
  constructor(
    private readonly store: TenantStore,
    private readonly relay: OutboxRelay,
    private readonly leases: TenantLeases = new LocalLeases(),
    private readonly clock: () => number = Date.now,
  ) {}

  /** Runs a mutation for the caller; a repeated message_id returns the stored reply and runs nothing. */
  async mutate<Req, Res, Auth>(spec: MutationSpec<Req, Res, Auth>, request: Req, call: CallContext): Promise<Res> {
    if (!call.messageId) throw new InvalidArgumentError("'message_id' is required", [{ field: "message_id", description: "is required" }]);
    const requestHash = hashRequest(spec.operation, spec.requestType.encode(request).finish());
    const db = () => this.store.open(call.tenantId);

    const replayed = this.replay(db(), call.messageId, spec.operation, requestHash, spec.replyType);
    if (replayed !== undefined) return replayed;

    spec.validate(request);
    const auth = await spec.authorize(request, call, db);

    const now = this.clock();
    let emitted = false;
    const reply = db().transaction((): Res => {
      const database = db();
      // A duplicate that arrived while this one was being authorized commits nothing twice.
      const raced = this.replay(database, call.messageId, spec.operation, requestHash, spec.replyType);
      if (raced !== undefined) return raced;
      const tx = openTransaction(database, call, now, () => (emitted = true));
      const result = spec.execute(request, tx, auth);
      saveIdempotencyRecord(
        database,
        call.messageId,
        { operation: spec.operation, requestHash, responseBytes: spec.replyType.encode(result).finish() },
        now,
      );
      return result;
      // IMMEDIATE: take the write lock before reading, so a read-then-write never meets a newer snapshot.
    }).immediate();
    if (emitted) this.relay.notify(call.tenantId);
    return reply;
  }

  /**
   * Applies an event a consumer received to the tenant's file, once: the effects, their activity rows and
   * events, and the processed-event mark commit together. Returns false for an event already applied. Only
   * the tenant's owner applies it: elsewhere this throws NotOwnerError and the event comes back later.
   */
  async applyEvent(consumer: string, tenantId: string, event: { eventId: string; actorUserId: string }, apply: (tx: Transaction) => void): Promise<boolean> {
    await this.leases.ensure(tenantId);
    const db = this.store.open(tenantId);
    const call: CallContext = { tenantId, userId: event.actorUserId, roles: [], messageId: "", origin: "", token: "" };
    const now = this.clock();
    let emitted = false;
    const applied = db.transaction((): boolean => {
      if (isEventProcessed(db, consumer, event.eventId)) return false;
      apply(openTransaction(db, call, now, () => (emitted = true)));
      markEventProcessed(db, consumer, event.eventId, now);
      return true;
    }).immediate();
    if (emitted) this.relay.notify(tenantId);
    return applied;
  }

  /** Runs a read for the caller. */
  async query<Req, Res, Auth>(spec: QuerySpec<Req, Res, Auth>, request: Req, call: CallContext): Promise<Res> {
    spec.validate(request);
    const db = () => this.store.open(call.tenantId);
    const auth = await spec.authorize(request, call, db);
    return spec.read(request, db(), call, auth);
  }

  private replay<Res>(
    db: Database,
    messageId: string,
    operation: string,
    requestHash: string,
    replyType: Pick<MessageFns<Res>, "decode">,
  ): Res | undefined {
    const record = findIdempotencyRecord(db, messageId);
    if (!record) return undefined;
    if (record.operation !== operation || record.requestHash !== requestHash) {
      throw new InvalidArgumentError(`'message_id' ${messageId} was already used for a different request`, [
        { field: "message_id", description: "was already used for a different request" },
      ]);
    }
    return replyType.decode(record.responseBytes);
  }
}

/** The Transaction a mutation body or event application writes through. */
function openTransaction(db: Database, call: CallContext, now: number, onEmit: () => void): Transaction {
  return {
    db,
    call,
    now,
    recordActivity: (entries) => recordActivity(db, entries.map((e) => ({ ...e, userId: e.userId ?? call.userId, at: e.at ?? now }))),
    emit: (draft) => {
      const eventId = newId();
      const payload = Event.encode({
        eventId,
        projectId: draft.projectId,
        sequence: 0,
        actorUserId: call.userId,
        occurredAtMs: now,
        changes: draft.changes ?? [],
        change: draft.change,
      }).finish();
      appendToOutbox(db, { eventId, subject: eventSubject(call.tenantId, draft.projectId, draft.entity), payload, origin: call.origin }, now);
      onEmit();
    },
  };
}
