import * as generated from "@agileboard/proto";
import { protoFiles, type ProtoMetadata } from "@agileboard/proto";

/**
 * JSON from the contract's descriptors, for the two JSON faces of agileboard: the proto3 JSON mapping
 * (webhook bodies: lowerCamelCase names, enum value names, 64-bit integers as strings, defaults left out) and
 * the REST form (snake_case proto field names, enums as their short lower-case names such as "in_progress",
 * numbers as numbers, every field present, unset optionals null), with a JSON Schema of the REST form drawn
 * from the same descriptors, so a schema and the documents it describes cannot drift. Values are the objects
 * ts-proto generates (camelCase properties, oneofs as `{ $case, value }`).
 */

/** Field types of descriptor.proto. */
const TYPE = { double: 1, float: 2, int64: 3, uint64: 4, int32: 5, fixed64: 6, fixed32: 7, bool: 8, string: 9, message: 11, bytes: 12, uint32: 13, enum: 14, sfixed32: 15, sfixed64: 16, sint32: 17, sint64: 18 } as const;
const LABEL_REPEATED = 3;
const SIXTY_FOUR_BIT: ReadonlySet<number> = new Set([TYPE.int64, TYPE.uint64, TYPE.fixed64, TYPE.sfixed64, TYPE.sint64]);

type FileDescriptor = ProtoMetadata["fileDescriptor"];
type MessageDescriptor = FileDescriptor["messageType"][number];
type FieldDescriptor = MessageDescriptor["field"][number];
type EnumDescriptor = FileDescriptor["enumType"][number];

/** A JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
/** A JSON Schema object (draft 2020-12, as OpenAPI 3.1 uses it). */
export type JsonSchema = { [key: string]: unknown };

interface MessageInfo {
  fullName: string;
  descriptor: MessageDescriptor;
  comment: string;
  fieldComments: string[];
  isMapEntry: boolean;
}

interface EnumInfo {
  fullName: string;
  descriptor: EnumDescriptor;
  comment: string;
  /** Value number → REST name ("in_progress"). */
  restNames: Map<number, string>;
  /** Value number → proto name ("WORK_ITEM_STATUS_IN_PROGRESS"). */
  protoNames: Map<number, string>;
  valueComments: Map<string, string>;
}

const messages = new Map<string, MessageInfo>();
const enums = new Map<string, EnumInfo>();

function clean(comment: string | undefined): string {
  return (comment ?? "").split("\n").map((l) => l.trim()).filter(Boolean).join(" ");
}

function upperSnake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();
}

function index(files: readonly ProtoMetadata[]): void {
  for (const { fileDescriptor: file } of files) {
    const comments = new Map<string, string>();
    for (const loc of file.sourceCodeInfo?.location ?? []) comments.set(loc.path.join("."), clean(loc.leadingComments));
    const addMessage = (descriptor: MessageDescriptor, prefix: string, path: string) => {
      const fullName = `${prefix}.${descriptor.name}`;
      messages.set(fullName, {
        fullName,
        descriptor,
        comment: comments.get(path) ?? "",
        fieldComments: descriptor.field.map((_, i) => comments.get(`${path}.2.${i}`) ?? ""),
        isMapEntry: descriptor.options?.mapEntry === true,
      });
      descriptor.nestedType.forEach((nested, i) => addMessage(nested, fullName, `${path}.3.${i}`));
    };
    file.messageType.forEach((m, i) => addMessage(m, `.${file.package}`, `4.${i}`));
    file.enumType.forEach((e, i) => {
      const fullName = `.${file.package}.${e.name}`;
      const prefix = `${upperSnake(e.name)}_`;
      const strip = e.value.every((v) => v.name.startsWith(prefix));
      enums.set(fullName, {
        fullName,
        descriptor: e,
        comment: comments.get(`5.${i}`) ?? "",
        restNames: new Map(e.value.map((v) => [v.number, (strip ? v.name.slice(prefix.length) : v.name).toLowerCase()])),
        protoNames: new Map(e.value.map((v) => [v.number, v.name])),
        valueComments: new Map(e.value.map((v, j) => [(strip ? v.name.slice(prefix.length) : v.name).toLowerCase(), comments.get(`5.${i}.2.${j}`) ?? ""])),
      });
    });
  }
}
index(protoFiles);

function messageInfo(name: string): MessageInfo {
  const info = messages.get(name.startsWith(".") ? name : `.agileboard.v1.${name}`);
  if (!info) throw new Error(`message ${name} is not in the contract`);
  return info;
}

function enumInfo(name: string): EnumInfo {
  const info = enums.get(name);
  if (!info) throw new Error(`enum ${name} is not in the contract`);
  return info;
}

/** "created_at_ms" → "createdAtMs", as ts-proto names properties. */
function camel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** The REST name of an enum value ("in_progress" for WORK_ITEM_STATUS_IN_PROGRESS). */
export function enumRestName(enumName: string, value: number): string {
  return enumInfo(`.agileboard.v1.${enumName}`).restNames.get(value) ?? String(value);
}

/** The value of an enum's REST name, or undefined for a name it does not have. */
export function enumFromRestName(enumName: string, restName: string): number | undefined {
  for (const [number, name] of enumInfo(`.agileboard.v1.${enumName}`).restNames) if (name === restName) return number;
  return undefined;
}

/** The REST names of an enum's values, UNSPECIFIED left out. */
export function enumRestNames(enumName: string): string[] {
  return [...enumInfo(`.agileboard.v1.${enumName}`).restNames].filter(([n]) => n !== 0).map(([, name]) => name);
}

/** The comment above an enum in the .proto file. */
export function enumComment(enumName: string): string {
  return enumInfo(`.agileboard.v1.${enumName}`).comment;
}

/** The comment above an enum value in the .proto file, by its REST name. */
export function enumValueComment(enumName: string, restName: string): string {
  return enumInfo(`.agileboard.v1.${enumName}`).valueComments.get(restName) ?? "";
}

/** How one field of a ts-proto object is read: plainly, or as the member of a oneof that is set. */
function fieldValue(obj: Record<string, unknown>, field: FieldDescriptor, message: MessageDescriptor): { present: boolean; value: unknown } {
  const key = camel(field.name);
  if (Object.prototype.hasOwnProperty.call(obj, key)) return { present: obj[key] !== undefined, value: obj[key] };
  // A oneof member lives under the oneof's name as { $case, value } (ts-proto `oneof=unions-value`).
  for (const decl of message.oneofDecl) {
    const union = obj[camel(decl.name)] as { $case?: string; value?: unknown } | undefined;
    if (union?.$case === key) return { present: true, value: union.value };
  }
  return { present: false, value: undefined };
}

/**
 * Fields a message's ts-proto type holds as properties of its own, as opposed to members of a oneof (held
 * under the oneof's name). ts-proto's descriptors write 0 for an unset oneof_index, so the descriptor cannot
 * tell; the generated type can: its empty value has a property for each plain field and each oneof.
 */
const plainFields = new Map<string, Set<string>>();
function hasPlainProperty(field: FieldDescriptor, message: MessageDescriptor): boolean {
  let plain = plainFields.get(message.name);
  if (!plain) {
    const fns = (generated as unknown as Record<string, { fromPartial?: (o: object) => object } | undefined>)[message.name];
    const base = message.oneofDecl.some((d) => !d.name.startsWith("_")) && fns?.fromPartial ? Object.keys(fns.fromPartial({})) : undefined;
    plain = new Set(message.field.filter((f) => !base || base.includes(camel(f.name))).map((f) => f.name));
    plainFields.set(message.name, plain);
  }
  return plain.has(field.name);
}

function isOneofMember(field: FieldDescriptor, message: MessageDescriptor): boolean {
  return !hasPlainProperty(field, message);
}

function scalarJson(field: FieldDescriptor, value: unknown, style: "proto3" | "rest"): JsonValue {
  switch (field.type) {
    case TYPE.enum: {
      const info = enumInfo(field.typeName);
      const n = Number(value ?? 0);
      return style === "rest" ? (info.restNames.get(n) ?? n) : (info.protoNames.get(n) ?? n);
    }
    case TYPE.bytes:
      return Buffer.from((value as Uint8Array | undefined) ?? new Uint8Array()).toString("base64");
    case TYPE.bool:
      return Boolean(value);
    case TYPE.string:
      return String(value ?? "");
    case TYPE.message:
      return value === undefined || value === null ? null : toJson(field.typeName, value as object, style);
    default: {
      const n = Number(value ?? 0);
      return style === "proto3" && SIXTY_FOUR_BIT.has(field.type) ? String(n) : n;
    }
  }
}

function isDefault(field: FieldDescriptor, value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (field.type === TYPE.message) return false;
  if (field.type === TYPE.bytes) return (value as Uint8Array).length === 0;
  return value === 0 || value === "" || value === false;
}

function toJson(typeName: string, value: object, style: "proto3" | "rest"): JsonValue {
  const info = messageInfo(typeName);
  const obj = value as Record<string, unknown>;
  const out: { [key: string]: JsonValue } = {};
  for (const field of info.descriptor.field) {
    const key = style === "rest" ? field.name : field.jsonName || camel(field.name);
    const { present, value: v } = fieldValue(obj, field, info.descriptor);
    const member = isOneofMember(field, info.descriptor);
    const entry = field.type === TYPE.message ? messages.get(field.typeName) : undefined;
    if (entry?.isMapEntry) {
      const map = (v ?? {}) as Record<string, unknown>;
      const valueField = entry.descriptor.field[1] as FieldDescriptor;
      const converted: { [key: string]: JsonValue } = {};
      for (const [k, item] of Object.entries(map)) converted[k] = scalarJson(valueField, item, style);
      if (style === "rest" || Object.keys(converted).length > 0) out[key] = converted;
      continue;
    }
    if (field.label === LABEL_REPEATED) {
      const list = ((v as unknown[] | undefined) ?? []).map((item) => scalarJson(field, item, style));
      if (style === "rest" || list.length > 0) out[key] = list;
      continue;
    }
    if (style === "rest") {
      if (member && !present) continue;
      out[key] = (field.proto3Optional || field.type === TYPE.message) && !present ? null : scalarJson(field, v, style);
    } else if (present && (member || field.proto3Optional || !isDefault(field, v))) {
      out[key] = scalarJson(field, v, style);
    }
  }
  return out;
}

/** A message in the proto3 JSON mapping (what webhook bodies carry). */
export function toProto3Json(typeName: string, value: object): JsonValue {
  return toJson(typeName, value, "proto3");
}

/** A message in the REST form: snake_case names, short enum names, every field present. */
export function toRestJson(typeName: string, value: object): { [key: string]: JsonValue } {
  return toJson(typeName, value, "rest") as { [key: string]: JsonValue };
}

/** The comment above a message in the .proto file. */
export function messageComment(typeName: string): string {
  return messageInfo(typeName).comment;
}

/** The fields of a message as the REST form shows them, with their comments (for the schema description). */
export function restFields(typeName: string): { name: string; type: string; description: string }[] {
  const info = messageInfo(typeName);
  return info.descriptor.field.map((f, i) => ({ name: f.name, type: describeType(f), description: info.fieldComments[i] ?? "" }));
}

function describeType(field: FieldDescriptor): string {
  const entry = field.type === TYPE.message ? messages.get(field.typeName) : undefined;
  if (entry?.isMapEntry) return `map of ${describeType(entry.descriptor.field[1] as FieldDescriptor)}`;
  let base: string;
  if (field.type === TYPE.enum) base = `one of ${enumRestNames(field.typeName.split(".").pop() ?? "").join(", ")}`;
  else if (field.type === TYPE.message) base = field.typeName.split(".").pop() ?? "object";
  else if (field.type === TYPE.string) base = "string";
  else if (field.type === TYPE.bool) base = "boolean";
  else if (field.type === TYPE.bytes) base = "base64 string";
  else base = "integer";
  if (field.label === LABEL_REPEATED) return `list of ${base}`;
  return field.proto3Optional ? `${base} or null` : base;
}

/**
 * The JSON Schema of a message's REST form. Nested messages are `$ref`s named by `ref` (by default the message
 * name, for schemas registered under their names). Every field is required, so the schema says exactly what a
 * document holds.
 */
export function restJsonSchema(typeName: string, ref: (messageName: string) => string = (name) => name): JsonSchema {
  const info = messageInfo(typeName);
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  info.descriptor.field.forEach((field, i) => {
    const description = info.fieldComments[i] || undefined;
    let schema = fieldSchema(field, ref);
    const member = isOneofMember(field, info.descriptor);
    if (field.label !== LABEL_REPEATED && (field.proto3Optional || field.type === TYPE.message) && !messages.get(field.typeName)?.isMapEntry) {
      schema = { anyOf: [schema, { type: "null" }] };
    }
    properties[field.name] = description ? { ...schema, description } : schema;
    if (!member) required.push(field.name);
  });
  return { type: "object", ...(info.comment ? { description: info.comment } : {}), properties, required, additionalProperties: false };
}

function scalarSchema(field: FieldDescriptor, ref: (messageName: string) => string): JsonSchema {
  switch (field.type) {
    case TYPE.enum:
      return { type: "string", enum: [...enumInfo(field.typeName).restNames.values()] };
    case TYPE.bytes:
      return { type: "string", contentEncoding: "base64" };
    case TYPE.bool:
      return { type: "boolean" };
    case TYPE.string:
      return { type: "string" };
    case TYPE.message:
      return { $ref: ref(field.typeName.split(".").pop() ?? "") };
    case TYPE.double:
    case TYPE.float:
      return { type: "number" };
    default:
      return { type: "integer" };
  }
}

function fieldSchema(field: FieldDescriptor, ref: (messageName: string) => string): JsonSchema {
  const entry = field.type === TYPE.message ? messages.get(field.typeName) : undefined;
  if (entry?.isMapEntry) return { type: "object", additionalProperties: scalarSchema(entry.descriptor.field[1] as FieldDescriptor, ref) };
  if (field.label === LABEL_REPEATED) return { type: "array", items: scalarSchema(field, ref) };
  return scalarSchema(field, ref);
}

/** The names of the messages a message's REST form refers to, itself included, transitively. */
export function restSchemaClosure(typeNames: readonly string[]): string[] {
  const seen = new Set<string>();
  const visit = (name: string) => {
    const info = messageInfo(name);
    const short = info.fullName.split(".").pop() ?? "";
    if (seen.has(short)) return;
    seen.add(short);
    for (const f of info.descriptor.field) {
      if (f.type !== TYPE.message) continue;
      const nested = messages.get(f.typeName);
      if (nested && !nested.isMapEntry) visit(f.typeName);
    }
  };
  for (const name of typeNames) visit(name);
  return [...seen];
}

/** The Event.change case names (snake_case), e.g. "work_item_updated"; presence cases left out. */
export function eventChangeNames(): string[] {
  const event = messageInfo("Event");
  return event.descriptor.field.filter((f) => !hasPlainProperty(f, event.descriptor) && !f.name.startsWith("presence_")).map((f) => f.name);
}
