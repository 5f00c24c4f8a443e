// @agileboard/client: the agileboard SDK for browsers and Node (SPEC §7). Browser-safe: nothing here imports
// Node built-ins, and the contract comes from @agileboard/proto/wire (messages only).
export {
  AgileboardClient,
  connect,
  newMessageId,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_HEARTBEAT_INTERVAL_MS,
  DEFAULT_HEARTBEAT_TIMEOUT_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_TOKEN_REFRESH_LEAD_MS,
  type ClientEvents,
  type ClientState,
  type ConnectionStatus,
  type ConnectOptions,
  type MutationAnswer,
  type NetworkEvents,
  type PendingMutation,
  type ReplayFailure,
  type RequestOptions,
  type SubscribeOptions,
  type SubscribeResult,
  type SubscriptionHandlers,
  type Unsubscribe,
} from "./client.js";
export { AgileboardError, ClientClosedError, ConnectionLostError, OfflineError, TimeoutError, type AgileboardErrorOptions, type ErrorCodeName } from "./errors.js";
export { backoffDelayMs, DEFAULT_BACKOFF, type BackoffOptions } from "./backoff.js";
export { isMutation, requestKind, type RequestKind } from "./request-kind.js";
export { memoryQueueStore, type QueuedMutation, type QueueStore } from "./queue.js";
export { indexedDbQueueStore, type IdbFactoryLike, type IndexedDbQueueStoreOptions } from "./indexeddb-store.js";
export { type WebSocketConstructor } from "./socket.js";
export type {
  AgileboardEvent,
  AnyPayload,
  AnyRequest,
  AnyRequestCase,
  ControlCase,
  PayloadOf,
  ReplyOf,
  RequestCase,
  RequestFrame,
  RequestInput,
  RequestOf,
} from "./types.js";
// The contract's enums, so applications need no second import to fill requests or read replies.
export { DependencyKind, ErrorCode, Priority, ProjectRole, SprintStatus, WorkItemStatus, WorkItemType } from "@agileboard/proto/wire";
