import { BinaryReader, BinaryWriter, WireType } from "@bufbuild/protobuf/wire";

/** ServerFrame field numbers the gateway writes itself (SPEC §3). */
const SERVER_FRAME_MESSAGE_ID = 1;
const SERVER_FRAME_TIME = 2;
export const SERVER_FRAME_EVENT = 90;
export const SERVER_FRAME_ERROR = 99;
/** Event.sequence: appended to the stored Event bytes at fan-out. */
const EVENT_SEQUENCE = 3;

/** A ClientFrame split without decoding the request itself. */
export interface ClientFrameParts {
  messageId: string;
  /** Field number of the `request` oneof case present; 0 when none. */
  caseNumber: number;
  /** The request message's bytes (a view into the frame). */
  body: Uint8Array;
}

/** The frame is not a ClientFrame. */
export class MalformedFrameError extends Error {
  override readonly name = "MalformedFrameError";
}

/**
 * Reads message_id and the oneof case of a ClientFrame. The request bytes are not decoded: they go to the
 * owning service as they came (the service decodes and validates them), so a frame is parsed once.
 */
export function parseClientFrame(frame: Uint8Array): ClientFrameParts {
  const reader = new BinaryReader(frame);
  let messageId = "";
  let caseNumber = 0;
  let body: Uint8Array = new Uint8Array(0);
  try {
    while (reader.pos < reader.len) {
      const [fieldNo, wireType] = reader.tag();
      if (fieldNo === 1 && wireType === WireType.LengthDelimited) {
        messageId = reader.string();
      } else if (fieldNo >= 2 && wireType === WireType.LengthDelimited) {
        // Protobuf semantics: of several oneof cases, the last one wins.
        caseNumber = fieldNo;
        body = reader.bytes();
      } else {
        reader.skip(wireType, fieldNo);
      }
    }
  } catch (err) {
    throw new MalformedFrameError("frame is not a valid agileboard.v1.ClientFrame", { cause: err });
  }
  return { messageId, caseNumber, body };
}

/** Reads only the message_id of a frame, best effort (for answering a frame that is rejected unparsed). */
export function peekMessageId(frame: Uint8Array): string {
  try {
    return parseClientFrame(frame).messageId;
  } catch {
    return "";
  }
}

function header(messageId: string, nowMs: number): BinaryWriter {
  const writer = new BinaryWriter();
  if (messageId) writer.tag(SERVER_FRAME_MESSAGE_ID, WireType.LengthDelimited).string(messageId);
  return writer.tag(SERVER_FRAME_TIME, WireType.Varint).int64(nowMs);
}

/** A ServerFrame whose payload case `payloadField` holds already-encoded `payload` bytes. */
export function encodeServerFrame(messageId: string, payloadField: number, payload: Uint8Array, nowMs: number): Uint8Array {
  return header(messageId, nowMs).tag(payloadField, WireType.LengthDelimited).bytes(payload).finish();
}

/**
 * An event frame from the Event bytes as stored, with `sequence` appended (a later occurrence of a field
 * sets it), so the gateway never decodes an event to deliver it and encodes each one once for every socket.
 */
export function encodeEventFrame(eventId: string, storedEvent: Uint8Array, sequence: number, nowMs: number): Uint8Array {
  return header(eventId, nowMs)
    .tag(SERVER_FRAME_EVENT, WireType.LengthDelimited)
    .fork()
    .raw(storedEvent)
    .tag(EVENT_SEQUENCE, WireType.Varint)
    .uint64(sequence)
    .join()
    .finish();
}
