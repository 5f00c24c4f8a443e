import { readFileSync } from "node:fs";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, RELEASE_VERSION } from "./log.js";

function capture(): { lines: Record<string, unknown>[]; stream: Writable } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { lines, stream };
}

describe("createLogger", () => {
  it("stamps every line with the service and the release version from the kit's package.json", async () => {
    const { lines, stream } = capture();
    const logger = createLogger({ service: "workitems", level: "info", destination: stream });
    logger.info("hello");
    await new Promise((resolve) => setImmediate(resolve));
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
    expect(RELEASE_VERSION).toBe(pkg.version);
    expect(lines[0]).toMatchObject({ service: "workitems", version: pkg.version, level: "info", msg: "hello" });
  });

  it("blanks credentials wherever they appear", async () => {
    const { lines, stream } = capture();
    const logger = createLogger({ service: "gateway", level: "info", destination: stream });
    logger.info({ token: "secret-jwt", req: { headers: { authorization: "Bearer x" } } }, "auth");
    await new Promise((resolve) => setImmediate(resolve));
    expect(JSON.stringify(lines[0])).not.toContain("secret-jwt");
    expect(JSON.stringify(lines[0])).not.toContain("Bearer x");
    expect(lines[0]).toMatchObject({ token: "[redacted]" });
  });
});
