import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { bundleForBrowser, type BrowserBundle } from "./bundle.js";

/**
 * What a browser app's bundle may hold of the SDK, minified and gzipped: the budget that keeps it small. Most of
 * it is the contract's messages (every ClientFrame and ServerFrame case); 175 KB since search and webhooks
 * joined the frames (SPEC §3, cases 37 and 90-102), ~164 KB then.
 */
const MAX_BUNDLE_BYTES = 175_000;
const MAX_BUNDLE_GZIP_BYTES = 25_000;

describe("the SDK in a browser bundle", () => {
  let bundle: BrowserBundle;
  beforeAll(async () => {
    bundle = await bundleForBrowser(fileURLToPath(new URL("../src/index.ts", import.meta.url)));
  });

  it("bundles for the browser with nothing unresolved", () => {
    expect(bundle.modules).toContain("packages/client/src/client.ts");
    expect(bundle.warnings).toEqual([]);
  });

  it("pulls in no Node-only code and no descriptor data", () => {
    const outside = bundle.modules.filter((m) => !m.startsWith("packages/client/src/") && !m.startsWith("proto/src/gen-wire/") && m !== "proto/src/wire.ts");
    // Besides the SDK and the generated messages, only the protobuf wire format runtime.
    expect(outside.filter((m) => !m.startsWith("node_modules/@bufbuild/protobuf/"))).toEqual([]);
    expect(bundle.modules.some((m) => m.includes("grpc") || m.startsWith("proto/src/gen/"))).toBe(false);
    expect(bundle.code).not.toMatch(/\bBuffer\.|from\s*"node:|require\(/);
    expect(bundle.code).not.toContain("fileDescriptor");
  });

  it("stays within its size budget", () => {
    expect(bundle.code.length).toBeLessThan(MAX_BUNDLE_BYTES);
    expect(gzipSync(bundle.code).length).toBeLessThan(MAX_BUNDLE_GZIP_BYTES);
  });

  it("shows why the wire entry exists: the main proto entry drags gRPC and Node built-ins in", async () => {
    const main = await bundleForBrowser(fileURLToPath(new URL("../../../proto/src/index.ts", import.meta.url)));
    expect(main.modules.some((m) => m.includes("@grpc/grpc-js"))).toBe(true);
    expect(main.warnings.some((w) => w.includes("UNRESOLVED_IMPORT"))).toBe(true);
  });
});
