import type { ProtoMetadata } from "@agileboard/proto";

/** A domain service the gateway forwards to, named as in config (`<NAME>_ADDRS`). */
export type ServiceName = "tenancy" | "workitems" | "sprints" | "webhooks";

/** Requests the gateway answers itself. */
export const LOCAL_CASES = ["ping", "subscribe", "unsubscribe", "refresh_token"] as const;
export type LocalCase = (typeof LOCAL_CASES)[number];

/** How one ClientFrame case is served. */
export type Route =
  | { kind: "local"; caseName: LocalCase; caseNumber: number }
  | {
      kind: "unary";
      caseName: string;
      caseNumber: number;
      service: ServiceName;
      /** gRPC path, e.g. /agileboard.v1.WorkItemsService/CreateWorkItem. */
      path: string;
      /** ServerFrame field of the reply payload. */
      replyField: number;
    }
  | {
      /** Answered by several services (their replies merge): list_activity. */
      kind: "merge";
      caseName: string;
      caseNumber: number;
      targets: readonly { service: ServiceName; path: string }[];
      replyField: number;
    };

/** ClientFrame field number → route. */
export type DispatchTable = ReadonlyMap<number, Route>;

interface Method {
  service: ServiceName;
  path: string;
  name: string;
  outputType: string;
}

/** "WorkItemsService" → "workitems". */
function serviceNameOf(grpcService: string): ServiceName {
  const name = grpcService.replace(/Service$/, "").toLowerCase();
  if (name !== "tenancy" && name !== "workitems" && name !== "sprints" && name !== "webhooks") throw new Error(`unknown service ${grpcService}`);
  return name;
}

/** "CreateWorkItem" → "create_work_item". */
function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}

/**
 * Derives the dispatch table from the contract itself, by convention: a ClientFrame case `create_work_item`
 * carrying `CreateWorkItemRequest` is served by the RPC `CreateWorkItem(CreateWorkItemRequest)` of the one
 * service that declares it, and its reply goes in the ServerFrame case whose type is the RPC's reply type.
 * Nothing is written per operation; a case that fits no rule makes this throw, so it cannot ship unrouted.
 */
export function buildDispatchTable(files: readonly ProtoMetadata[]): DispatchTable {
  const messages = files.flatMap((f) => f.fileDescriptor.messageType.map((m) => ({ pkg: f.fileDescriptor.package, m })));
  const find = (name: string) => {
    const found = messages.find((x) => x.m.name === name);
    if (!found) throw new Error(`message ${name} not in the contract`);
    return found.m;
  };
  const clientFrame = find("ClientFrame");
  const serverFrame = find("ServerFrame");
  const replyFieldByType = new Map(serverFrame.field.map((f) => [f.typeName, f.number]));

  const methodsByInput = new Map<string, Method[]>();
  for (const file of files) {
    for (const service of file.fileDescriptor.service) {
      for (const method of service.method) {
        const list = methodsByInput.get(method.inputType) ?? [];
        list.push({
          service: serviceNameOf(service.name),
          path: `/${file.fileDescriptor.package}.${service.name}/${method.name}`,
          name: method.name,
          outputType: method.outputType,
        });
        methodsByInput.set(method.inputType, list);
      }
    }
  }

  const table = new Map<number, Route>();
  for (const field of clientFrame.field) {
    if (field.name === "message_id") continue;
    if ((LOCAL_CASES as readonly string[]).includes(field.name)) {
      table.set(field.number, { kind: "local", caseName: field.name as LocalCase, caseNumber: field.number });
      continue;
    }
    const methods = (methodsByInput.get(field.typeName) ?? []).filter((m) => snakeCase(m.name) === field.name);
    const first = methods[0];
    if (!first) throw new Error(`ClientFrame case '${field.name}' (${field.typeName}) has no RPC of the same name`);
    if (methods.some((m) => m.name !== first.name || m.outputType !== first.outputType)) {
      throw new Error(`ClientFrame case '${field.name}' maps to RPCs that disagree on name or reply type`);
    }
    const replyField = replyFieldByType.get(first.outputType);
    if (replyField === undefined) throw new Error(`reply type ${first.outputType} of '${field.name}' has no ServerFrame case`);
    if (methods.length === 1) {
      table.set(field.number, { kind: "unary", caseName: field.name, caseNumber: field.number, service: first.service, path: first.path, replyField });
    } else {
      table.set(field.number, {
        kind: "merge",
        caseName: field.name,
        caseNumber: field.number,
        targets: methods.map((m) => ({ service: m.service, path: m.path })),
        replyField,
      });
    }
  }
  return table;
}

/** The number of a ServerFrame payload case, by its field name (e.g. "subscribed"). */
export function serverFrameField(files: readonly ProtoMetadata[], name: string): number {
  for (const file of files) {
    const frame = file.fileDescriptor.messageType.find((m) => m.name === "ServerFrame");
    const field = frame?.field.find((f) => f.name === name);
    if (field) return field.number;
  }
  throw new Error(`ServerFrame has no case '${name}'`);
}
