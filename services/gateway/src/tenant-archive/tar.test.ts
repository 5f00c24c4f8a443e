import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readTar, TarFormatError, tarEnd, tarHeader, tarPadding } from "./tar.js";

function archive(files: Record<string, Buffer>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, data] of Object.entries(files)) parts.push(tarHeader(name, data.length, 1_700_000_000_000), data, tarPadding(data.length));
  parts.push(tarEnd());
  return Buffer.concat(parts);
}

async function* chunked(data: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

describe("tar", () => {
  const dir = mkdtempSync(join(tmpdir(), "agileboard-tar-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const files = { "manifest.json": Buffer.from('{"a":1}\n'), "big.db": Buffer.alloc(3000, 7), "empty.db": Buffer.alloc(0) };

  it("reads back what it writes, whatever the chunking", async () => {
    for (const size of [1, 7, 512, 100_000]) {
      const out: Record<string, Buffer> = {};
      for await (const entry of readTar(chunked(archive(files), size))) {
        const parts: Buffer[] = [];
        for await (const c of entry.chunks()) parts.push(c);
        out[entry.name] = Buffer.concat(parts);
      }
      expect(out).toEqual(files);
    }
  });

  it("writes archives the system tar reads", () => {
    const path = join(dir, "a.tar");
    writeFileSync(path, archive(files));
    expect(execFileSync("tar", ["-tf", path], { encoding: "utf8" }).trim().split("\n")).toEqual(["manifest.json", "big.db", "empty.db"]);
    execFileSync("tar", ["-xf", path, "-C", dir]);
    expect(readFileSync(join(dir, "big.db"))).toEqual(files["big.db"]);
  });

  it("reads archives the system tar writes", async () => {
    writeFileSync(join(dir, "x.json"), "{}");
    const path = join(dir, "b.tar");
    execFileSync("tar", ["--format=ustar", "-cf", path, "-C", dir, "x.json"]);
    const names: string[] = [];
    for await (const entry of readTar(chunked(readFileSync(path), 1000))) names.push(entry.name);
    expect(names).toEqual(["x.json"]);
  });

  it("refuses a damaged header and a truncated archive", async () => {
    const damaged = archive(files);
    damaged[10] = 0x41;
    await expect(async () => {
      for await (const _ of readTar(chunked(damaged, 512))) void _;
    }).rejects.toThrow(TarFormatError);
    const truncated = archive(files).subarray(0, 1500);
    await expect(async () => {
      for await (const entry of readTar(chunked(truncated, 512))) for await (const _ of entry.chunks()) void _;
    }).rejects.toThrow(/ends inside/);
  });
});
