import type * as wire from "@agileboard/proto/wire";
import type { ClientFrame, DeepPartial, MessageFns, ServerFrame } from "@agileboard/proto/wire";

// Every type here is derived from the generated contract: a new ClientFrame case, ServerFrame case or RPC is
// typed without an edit in this file.

/** Any ClientFrame request: `{ $case: "moveWorkItem", value: MoveWorkItemRequest }` and so on. */
export type AnyRequest = NonNullable<ClientFrame["request"]>;

/** Every ClientFrame request case name, e.g. "moveWorkItem". */
export type AnyRequestCase = AnyRequest["$case"];

/** The cases the client itself sends to run the connection; `request()` does not take them. */
export type ControlCase = "ping" | "subscribe" | "unsubscribe" | "refreshToken";

/** A request case an application sends with `request()`. */
export type RequestCase = Exclude<AnyRequestCase, ControlCase>;

/** The request message of a case, e.g. `MoveWorkItemRequest` for "moveWorkItem". */
export type RequestOf<C extends AnyRequestCase> = Extract<AnyRequest, { $case: C }>["value"];

/** What `request()` accepts for a case: the message with every field optional (unset = the proto default). */
export type RequestInput<C extends RequestCase> = DeepPartial<RequestOf<C>>;

/** Any ServerFrame payload. */
export type AnyPayload = NonNullable<ServerFrame["payload"]>;

/** The message of a ServerFrame payload case, e.g. `WorkItem` for "workItem". */
export type PayloadOf<C extends AnyPayload["$case"]> = Extract<AnyPayload, { $case: C }>["value"];

/** One `{ $case, value }` request of a case. */
export type RequestFrame<C extends AnyRequestCase = AnyRequestCase> = Extract<AnyRequest, { $case: C }>;

/** The generated service definitions (`TenancyServiceDefinition`, …): each RPC with its request and reply message. */
type ServiceDefinitions = { [K in keyof typeof wire as K extends `${string}ServiceDefinition` ? K : never]: (typeof wire)[K] };
type Methods = ServiceDefinitions[keyof ServiceDefinitions]["methods"];
type MethodNamed<C extends string> = Methods extends infer M ? (M extends { readonly [K in C]: infer D } ? D : never) : never;

/**
 * The reply message of a request case: the reply type of the RPC of the same name (ClientFrame case
 * `move_work_item` is served by `MoveWorkItem`, which returns `WorkItem`) — the rule the gateway's dispatch
 * table applies to the descriptors, read here from the generated service definitions.
 */
export type ReplyOf<C extends RequestCase> = MethodNamed<C> extends { responseType: MessageFns<infer R> } ? R : never;

/** The event of the contract, as subscriptions deliver it. */
export type AgileboardEvent = wire.Event;

// A request case whose reply type cannot be derived (no RPC of its name) fails compilation here, naming the case.
type Unanswered = { [C in RequestCase]: [ReplyOf<C>] extends [never] ? C : never }[RequestCase];
type MustBeTrue<T extends true> = T;
type EveryRequestHasAReplyType = MustBeTrue<[Unanswered] extends [never] ? true : Unanswered>;
