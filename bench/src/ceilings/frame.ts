// The ~200-byte binary message every block carries: a sequence number and the sender's shared-clock
// stamp up front, zero padding after (the size of a small board event).

export const FRAME_BYTES = 200;

export interface FrameHeader {
  seq: number;
  sentAtMs: number;
  /** False for warm-up messages: delivered like the others, not recorded. */
  record: boolean;
}

export function encodeFrame(h: FrameHeader, bytes = FRAME_BYTES): Buffer {
  const b = Buffer.alloc(bytes);
  b.writeUInt32LE(h.seq, 0);
  b.writeDoubleLE(h.sentAtMs, 4);
  b.writeUInt8(h.record ? 1 : 0, 12);
  return b;
}

export function decodeFrame(data: Uint8Array): FrameHeader {
  const b = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return { seq: b.readUInt32LE(0), sentAtMs: b.readDoubleLE(4), record: b.readUInt8(12) === 1 };
}

/** A ws message (Buffer, Buffer[] or ArrayBuffer) as one Uint8Array. */
export function wsBytes(data: Buffer | ArrayBuffer | Buffer[]): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}
