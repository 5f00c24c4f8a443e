/**
 * The tar (POSIX ustar) subset tenant archives use: regular files with short names, written and read as
 * streams so a tenant of any size passes through in bounded memory.
 */

const BLOCK = 512;
/** Largest entry ustar's 11 octal digits can say. */
export const MAX_TAR_ENTRY_BYTES = 8 ** 11 - 1;

function writeString(block: Buffer, offset: number, length: number, value: string): void {
  block.write(value.slice(0, length), offset, length, "utf8");
}

function writeOctal(block: Buffer, offset: number, length: number, value: number): void {
  writeString(block, offset, length, `${value.toString(8).padStart(length - 1, "0")}\0`);
}

/** The 512-byte header of a regular file. */
export function tarHeader(name: string, size: number, mtimeMs: number): Buffer {
  if (Buffer.byteLength(name) > 100) throw new Error(`tar entry name too long: ${name}`);
  if (size > MAX_TAR_ENTRY_BYTES) throw new Error(`tar entry ${name} is too large (${size} bytes)`);
  const block = Buffer.alloc(BLOCK);
  writeString(block, 0, 100, name);
  writeOctal(block, 100, 8, 0o644);
  writeOctal(block, 108, 8, 0);
  writeOctal(block, 116, 8, 0);
  writeOctal(block, 124, 12, size);
  writeOctal(block, 136, 12, Math.floor(mtimeMs / 1000));
  block.fill(" ", 148, 156);
  block.write("0", 156);
  writeString(block, 257, 6, "ustar\0");
  writeString(block, 263, 2, "00");
  writeString(block, 265, 32, "agileboard");
  writeString(block, 297, 32, "agileboard");
  let sum = 0;
  for (const byte of block) sum += byte;
  writeString(block, 148, 8, `${sum.toString(8).padStart(6, "0")}\0 `);
  return block;
}

/** Zero bytes that pad an entry of `size` bytes to a whole block. */
export function tarPadding(size: number): Buffer {
  return Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);
}

/** The two zero blocks that end an archive. */
export function tarEnd(): Buffer {
  return Buffer.alloc(2 * BLOCK);
}

/** One entry being read: its name, size, and its bytes as chunks (read them before asking for the next entry). */
export interface TarEntry {
  name: string;
  size: number;
  chunks(): AsyncGenerator<Buffer>;
}

/** The archive is not a tar this module reads. */
export class TarFormatError extends Error {
  override readonly name = "TarFormatError";
}

function parseOctal(block: Buffer, offset: number, length: number): number {
  const text = block.toString("latin1", offset, offset + length).replace(/[\0 ]+$/g, "").trim();
  if (!/^[0-7]*$/.test(text)) throw new TarFormatError("tar header has a malformed number");
  return text ? parseInt(text, 8) : 0;
}

/**
 * Reads a tar stream entry by entry. Only regular files are expected (anything else is skipped); each
 * header's checksum is verified.
 */
export async function* readTar(input: AsyncIterable<Buffer | Uint8Array>): AsyncGenerator<TarEntry> {
  const source = input[Symbol.asyncIterator]();
  let buffer = Buffer.alloc(0);
  let done = false;
  const fill = async (bytes: number): Promise<boolean> => {
    while (buffer.length < bytes && !done) {
      const next = await source.next();
      if (next.done) done = true;
      else buffer = buffer.length === 0 ? Buffer.from(next.value) : Buffer.concat([buffer, Buffer.from(next.value)]);
    }
    return buffer.length >= bytes;
  };
  const take = (bytes: number): Buffer => {
    const out = buffer.subarray(0, bytes);
    buffer = buffer.subarray(bytes);
    return out;
  };
  for (;;) {
    if (!(await fill(BLOCK))) {
      if (buffer.length === 0) return;
      throw new TarFormatError("the archive ends inside a header");
    }
    const header = take(BLOCK);
    if (header.every((b) => b === 0)) return;
    const stored = parseOctal(header, 148, 8);
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : (header[i] as number);
    if (sum !== stored) throw new TarFormatError("a tar header's checksum does not match");
    const name = header.toString("utf8", 0, 100).replace(/\0.*$/s, "");
    const prefix = header.toString("utf8", 345, 500).replace(/\0.*$/s, "");
    const size = parseOctal(header, 124, 12);
    const type = String.fromCharCode(header[156] ?? 0);
    let remaining = size;
    const chunks = async function* (): AsyncGenerator<Buffer> {
      while (remaining > 0) {
        if (!(await fill(1))) throw new TarFormatError(`the archive ends inside ${name}`);
        const chunk = take(Math.min(remaining, buffer.length));
        remaining -= chunk.length;
        yield chunk;
      }
    };
    const entry: TarEntry = { name: prefix ? `${prefix}/${name}` : name, size, chunks };
    if (type === "0" || type === "\0") yield entry;
    // Whatever the reader left of this entry, and the padding, before the next header.
    for await (const _ of chunks()) void _;
    const padding = (BLOCK - (size % BLOCK)) % BLOCK;
    if (!(await fill(padding))) throw new TarFormatError(`the archive ends inside ${name}'s padding`);
    take(padding);
  }
}
