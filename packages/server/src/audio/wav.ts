import { InputError } from "../core/errors.js";

export interface DecodedWav {
  sampleRate: number;
  channels: number;
  /** mono float32 (channels are averaged) */
  pcm: Float32Array;
}

/** Reads PCM16, PCM24, PCM32 and float32 WAV files; anything else is an InputError. */
export function decodeWav(bytes: Uint8Array): DecodedWav {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (o: number) => String.fromCharCode(...bytes.subarray(o, o + 4));
  if (bytes.byteLength < 12 || tag(0) !== "RIFF" || tag(8) !== "WAVE") throw new InputError("not-wav", "not a WAV file");
  let off = 12;
  let fmt: { format: number; channels: number; sampleRate: number; bits: number } | null = null;
  while (off + 8 <= bytes.byteLength) {
    const id = tag(off);
    const size = view.getUint32(off + 4, true);
    const body = off + 8;
    if (id === "fmt ") {
      let format = view.getUint16(body, true);
      if (format === 0xfffe && size >= 26) format = view.getUint16(body + 24, true);
      fmt = { format, channels: view.getUint16(body + 2, true), sampleRate: view.getUint32(body + 4, true), bits: view.getUint16(body + 14, true) };
    } else if (id === "data") {
      if (!fmt) throw new InputError("bad-wav", "WAV data before format");
      const end = Math.min(bytes.byteLength, body + size);
      return { sampleRate: fmt.sampleRate, channels: fmt.channels, pcm: readSamples(view, body, end, fmt) };
    }
    off = body + size + (size & 1);
  }
  throw new InputError("bad-wav", "WAV without data");
}

function readSamples(view: DataView, start: number, end: number, fmt: { format: number; channels: number; bits: number }): Float32Array {
  const bytesPer = fmt.bits / 8;
  if (fmt.channels < 1 || ![1, 3].includes(fmt.format) || ![16, 24, 32].includes(fmt.bits)) {
    throw new InputError("bad-wav", `unsupported WAV format ${fmt.format}/${fmt.bits} bit`);
  }
  const frames = Math.floor((end - start) / (bytesPer * fmt.channels));
  const out = new Float32Array(frames);
  for (let i = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < fmt.channels; c++) {
      const o = start + (i * fmt.channels + c) * bytesPer;
      if (fmt.format === 3) sum += view.getFloat32(o, true);
      else if (fmt.bits === 16) sum += view.getInt16(o, true) / 32768;
      else if (fmt.bits === 24) sum += ((view.getUint8(o) | (view.getUint8(o + 1) << 8) | (view.getInt8(o + 2) << 16)) / 8388608);
      else sum += view.getInt32(o, true) / 2147483648;
    }
    out[i] = sum / fmt.channels;
  }
  return out;
}

/** Mono 16-bit PCM WAV. */
export function encodeWav(pcm: Float32Array | Int16Array, sampleRate: number): Uint8Array {
  const n = pcm.length;
  const out = new Uint8Array(44 + n * 2);
  const view = new DataView(out.buffer);
  const w = (o: number, s: string) => [...s].forEach((ch, i) => view.setUint8(o + i, ch.charCodeAt(0)));
  w(0, "RIFF");
  view.setUint32(4, 36 + n * 2, true);
  w(8, "WAVE");
  w(12, "fmt ");
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  w(36, "data");
  view.setUint32(40, n * 2, true);
  for (let i = 0; i < n; i++) {
    const v = pcm instanceof Int16Array ? (pcm[i] ?? 0) : Math.round(Math.max(-1, Math.min(1, pcm[i] ?? 0)) * 32767);
    view.setInt16(44 + i * 2, v, true);
  }
  return out;
}
