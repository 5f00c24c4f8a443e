import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { protoFiles } from "@agileboard/proto";
import fc from "fast-check";

// Arbitrary ClientFrames derived from the contract's descriptors: every request case, each field filled with
// values from the edges a client can reach — valid ids of both tenants, garbage, huge and hostile strings,
// out-of-range numbers and enums — encoded field by field so that any message of the contract can be made.

type FieldDescriptor = (typeof protoFiles)[number]["fileDescriptor"]["messageType"][number]["field"][number];
type MessageDescriptor = (typeof protoFiles)[number]["fileDescriptor"]["messageType"][number];

const TYPE = { double: 1, float: 2, int64: 3, uint64: 4, int32: 5, bool: 8, string: 9, message: 11, bytes: 12, uint32: 13, enum: 14 } as const;
const REPEATED = 3;

const messages = new Map<string, MessageDescriptor>();
for (const file of protoFiles) {
  const visit = (prefix: string, m: MessageDescriptor) => {
    messages.set(`${prefix}.${m.name}`, m);
    for (const nested of m.nestedType) visit(`${prefix}.${m.name}`, nested as MessageDescriptor);
  };
  for (const m of file.fileDescriptor.messageType) visit(`.${file.fileDescriptor.package}`, m);
}

/** Ids the fuzzer mixes in: some real (both tenants), some not ids at all. */
export interface IdPool {
  ids: string[];
}

function stringValue(pool: IdPool): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...pool.ids) },
    { weight: 2, arbitrary: fc.uuid() },
    { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
    { weight: 1, arbitrary: fc.constantFrom("", " ", "\u0000", "a\r\nb", "💥".repeat(100), "x".repeat(66_000), "<script>alert(1)</script>", "'; DROP TABLE work_items; --", "../../etc/passwd", "PAY-1", "\ud800") },
  );
}

const int64Value = fc.oneof(fc.integer({ min: -5, max: 200 }), fc.constantFrom(0, 1, 2, -1, 2 ** 31 - 1, 2 ** 53 - 1, Date.now()), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }));
const int32Value = fc.oneof(fc.integer({ min: -5, max: 200 }), fc.constantFrom(-(2 ** 31), 2 ** 31 - 1, 0, 1));
const enumValue = fc.integer({ min: -2, max: 12 });

/** Writes one arbitrary value of `field` into `writer`. */
function fieldWriter(field: FieldDescriptor, pool: IdPool, depth: number): fc.Arbitrary<(w: BinaryWriter) => void> {
  const no = field.number;
  switch (field.type) {
    case TYPE.string:
      return stringValue(pool).map((s) => (w: BinaryWriter) => void w.tag(no, WireType.LengthDelimited).string(s));
    case TYPE.bytes:
      return fc.uint8Array({ maxLength: 64 }).map((b) => (w: BinaryWriter) => void w.tag(no, WireType.LengthDelimited).bytes(b));
    case TYPE.bool:
      return fc.boolean().map((b) => (w: BinaryWriter) => void w.tag(no, WireType.Varint).bool(b));
    case TYPE.int32:
      return int32Value.map((n) => (w: BinaryWriter) => void w.tag(no, WireType.Varint).int32(n));
    case TYPE.uint32:
      return fc.nat().map((n) => (w: BinaryWriter) => void w.tag(no, WireType.Varint).uint32(n));
    case TYPE.enum:
      return enumValue.map((n) => (w: BinaryWriter) => void w.tag(no, WireType.Varint).int32(n));
    case TYPE.int64:
      return int64Value.map((n) => (w: BinaryWriter) => void w.tag(no, WireType.Varint).int64(n));
    case TYPE.uint64:
      return fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map((n) => (w: BinaryWriter) => void w.tag(no, WireType.Varint).uint64(n));
    case TYPE.double:
      return fc.double().map((n) => (w: BinaryWriter) => void w.tag(no, WireType.Bit64).double(n));
    case TYPE.float:
      return fc.float().map((n) => (w: BinaryWriter) => void w.tag(no, WireType.Bit32).float(n));
    case TYPE.message: {
      const inner = messages.get(field.typeName);
      if (!inner || depth > 3) return fc.constant(() => undefined);
      return messageBytes(inner, pool, depth + 1).map((bytes) => (w: BinaryWriter) => void w.tag(no, WireType.LengthDelimited).bytes(bytes));
    }
    default:
      return fc.constant(() => undefined);
  }
}

/** Arbitrary encodings of a message: each field absent, present once, or (repeated) a few times. */
export function messageBytes(message: MessageDescriptor, pool: IdPool, depth = 0): fc.Arbitrary<Uint8Array> {
  const fields = message.field.map((field) => {
    const one = fieldWriter(field, pool, depth);
    return field.label === REPEATED ? fc.array(one, { maxLength: 4 }) : fc.option(one, { nil: undefined }).map((w) => (w ? [w] : []));
  });
  return fc.tuple(...fields).map((writers) => {
    const writer = new BinaryWriter();
    for (const write of writers.flat()) write(writer);
    return writer.finish();
  });
}

const clientFrame = messages.get(".agileboard.v1.ClientFrame");
if (!clientFrame) throw new Error("ClientFrame missing from the descriptors");
const requestCases = clientFrame.field.filter((f) => f.name !== "message_id");

/** The ClientFrame request cases, by name. */
export const REQUEST_CASES = requestCases.map((f) => f.name);

/** One frame: a known message id, one request case (or an unknown number) and its arbitrary body. */
export interface FuzzFrame {
  messageId: string;
  caseName: string;
  bytes: Uint8Array;
}

/** Arbitrary frames with unique message ids: well-formed bodies of every case, random bodies, unknown cases. */
export function fuzzFrames(pool: IdPool): fc.Arbitrary<FuzzFrame> {
  const wellFormed = fc.constantFrom(...requestCases).chain((field) => {
    const type = messages.get(field.typeName);
    if (!type) throw new Error(`no descriptor for ${field.typeName}`);
    return messageBytes(type, pool).map((body) => ({ caseName: field.name, caseNumber: field.number, body }));
  });
  const randomBody = fc.record({ caseName: fc.constant("random body"), caseNumber: fc.constantFrom(...requestCases.map((f) => f.number)), body: fc.uint8Array({ maxLength: 200 }) });
  const unknownCase = fc.record({ caseName: fc.constant("unknown case"), caseNumber: fc.integer({ min: 2, max: 536_870_911 }).filter((n) => !requestCases.some((f) => f.number === n)), body: fc.uint8Array({ maxLength: 20 }) });
  return fc.tuple(fc.oneof({ weight: 8, arbitrary: wellFormed }, { weight: 1, arbitrary: randomBody }, { weight: 1, arbitrary: unknownCase }), fc.uuid()).map(([c, messageId]) => ({
    messageId,
    caseName: c.caseName,
    bytes: new BinaryWriter().tag(1, WireType.LengthDelimited).string(messageId).tag(c.caseNumber, WireType.LengthDelimited).bytes(c.body).finish(),
  }));
}
