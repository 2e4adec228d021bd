/**
 * Binary WebSocket frames. Every frame starts with a 12-byte header so the int16 payload stays aligned:
 * u8 kind, 3 bytes padding, u32le turnId (0 when not a turn), u32le sample (position of the first sample).
 */
export const BinaryKind = {
  /** kiosk → server: live microphone, int16le mono at MIC_SAMPLE_RATE */
  mic: 1,
  /** kiosk → server: the voice sample, int16le mono at MIC_SAMPLE_RATE */
  voiceSample: 2,
  /** kiosk → server: the photo, encoded image bytes (jpeg/png) */
  photo: 3,
  /** server → kiosk: the double's voice, int16le mono at OUTPUT_SAMPLE_RATE */
  replyAudio: 16,
} as const;
export type BinaryKind = (typeof BinaryKind)[keyof typeof BinaryKind];

export const BINARY_HEADER_BYTES = 12;

export interface BinaryFrame {
  kind: BinaryKind;
  turnId: number;
  sample: number;
  payload: Uint8Array;
}

const KINDS = new Set<number>(Object.values(BinaryKind));

export function encodeBinary(kind: BinaryKind, payload: Uint8Array, turnId = 0, sample = 0): Uint8Array {
  const out = new Uint8Array(BINARY_HEADER_BYTES + payload.byteLength);
  const view = new DataView(out.buffer);
  view.setUint8(0, kind);
  view.setUint32(4, turnId >>> 0, true);
  view.setUint32(8, sample >>> 0, true);
  out.set(payload, BINARY_HEADER_BYTES);
  return out;
}

/** Returns null for anything that is not a well-formed Mirror binary frame. */
export function decodeBinary(data: Uint8Array): BinaryFrame | null {
  if (data.byteLength < BINARY_HEADER_BYTES) return null;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const kind = view.getUint8(0);
  if (!KINDS.has(kind)) return null;
  return {
    kind: kind as BinaryKind,
    turnId: view.getUint32(4, true),
    sample: view.getUint32(8, true),
    payload: data.subarray(BINARY_HEADER_BYTES),
  };
}

/** int16le bytes → Int16Array (copies when the bytes are unaligned). */
export function bytesToInt16(bytes: Uint8Array): Int16Array {
  const n = bytes.byteLength >> 1;
  if (bytes.byteOffset % 2 === 0) return new Int16Array(bytes.buffer, bytes.byteOffset, n);
  return new Int16Array(bytes.slice(0, n * 2).buffer);
}

export function int16ToBytes(pcm: Int16Array): Uint8Array {
  return new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength);
}
