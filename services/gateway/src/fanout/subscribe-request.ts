import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";
import { InvalidArgumentError } from "@agileboard/kit";

/** A Subscribe request, as the gateway reads it. */
export interface SubscribeRequest {
  /** In the order given, duplicates included (the caller removes them). */
  projectIds: string[];
  /** resume_after; a sequence beyond 2^53 (no log gets there) reads as MAX_SAFE_INTEGER, i.e. "after the head". */
  resumeAfter: Map<string, number>;
}

const PROJECT_IDS = 1;
const RESUME_AFTER = 2;
const ENTRY_KEY = 1;
const ENTRY_VALUE = 2;

function tooMany(field: string, max: number): InvalidArgumentError {
  return new InvalidArgumentError(`invalid request: '${field}' must have at most ${max} entries`, [{ field, description: `must have at most ${max} entries` }]);
}

/**
 * Decodes `agileboard.v1.Subscribe` and counts as it reads: more than `maxEntries` project ids or resume
 * points stops the decoding at once, so an oversized request costs no more than the limit it breaks. Reads
 * uint64 sequences without losing any (the generated decoder refuses values past 2^53).
 */
export function decodeSubscribe(body: Uint8Array, maxEntries: number): SubscribeRequest {
  const reader = new BinaryReader(body);
  const projectIds: string[] = [];
  const resumeAfter = new Map<string, number>();
  try {
    while (reader.pos < reader.len) {
      const [fieldNo, wireType] = reader.tag();
      if (fieldNo === PROJECT_IDS && wireType === WireType.LengthDelimited) {
        if (projectIds.length === maxEntries) throw tooMany("project_ids", maxEntries);
        projectIds.push(reader.string());
      } else if (fieldNo === RESUME_AFTER && wireType === WireType.LengthDelimited) {
        if (resumeAfter.size === maxEntries) throw tooMany("resume_after", maxEntries);
        const end = reader.uint32() + reader.pos;
        let key = "";
        let value = 0;
        while (reader.pos < end) {
          const [entryField, entryWire] = reader.tag();
          if (entryField === ENTRY_KEY && entryWire === WireType.LengthDelimited) key = reader.string();
          else if (entryField === ENTRY_VALUE && entryWire === WireType.Varint) value = clampSequence(reader.uint64());
          else reader.skip(entryWire, entryField);
        }
        resumeAfter.set(key, value);
      } else {
        reader.skip(wireType, fieldNo);
      }
    }
  } catch (err) {
    if (err instanceof InvalidArgumentError) throw err;
    throw new InvalidArgumentError("request is not a valid message of its case", [], { cause: err });
  }
  return { projectIds, resumeAfter };
}

function clampSequence(value: bigint | string): number {
  const big = BigInt(value);
  return big > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(big);
}
