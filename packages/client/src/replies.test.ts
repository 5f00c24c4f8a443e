import { buildDispatchTable } from "@agileboard/gateway";
import { protoFiles } from "@agileboard/proto";
import * as wire from "@agileboard/proto/wire";
import { describe, expect, it } from "vitest";

// ReplyOf<C> is read at compile time from the generated service definitions of @agileboard/proto/wire. This
// checks those definitions against the gateway's dispatch table, which derives each case's reply from the
// descriptors, so the SDK's reply types cannot drift from what the server sends.

const camel = (name: string) => name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const serverFrame = protoFiles.flatMap((f) => f.fileDescriptor.messageType).find((m) => m.name === "ServerFrame");
const definitions = Object.entries(wire)
  .filter(([name]) => name.endsWith("ServiceDefinition"))
  .map(([, def]) => def as { methods: Record<string, { responseType: unknown }> });
const routes = [...buildDispatchTable(protoFiles).values()].flatMap((r) => (r.kind === "local" ? [] : [r]));

describe("reply types", () => {
  it("come from service definitions that cover every forwarded case", () => {
    expect(definitions.length).toBeGreaterThanOrEqual(3);
    expect(routes.length).toBeGreaterThan(30);
  });

  it.each(routes.map((r) => [r.caseName, r] as const))("%s: the wire definition's reply is the ServerFrame case the gateway answers with", (_, route) => {
    const field = serverFrame?.field.find((f) => f.number === route.replyField);
    const replyTypeName = field?.typeName.split(".").pop() ?? "";
    const replyMessage = (wire as Record<string, unknown>)[replyTypeName];
    expect(replyMessage).toBeDefined();
    const methods = definitions.map((d) => d.methods[camel(route.caseName)]).filter((m) => m !== undefined);
    expect(methods.length).toBeGreaterThan(0);
    for (const method of methods) expect(method.responseType).toBe(replyMessage);
  });
});
