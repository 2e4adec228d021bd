/**
 * F5-TTS socket server reply framing (src/f5_tts/socket_server.py): raw float32 little-endian mono
 * PCM at 24 kHz, sent with `sendall` chunk by chunk, then the three ASCII bytes `END`. No length
 * prefix: `END` can share a TCP read with the last audio bytes, and audio bytes can split anywhere.
 *
 * Audio always comes in whole 4-byte floats, so `END` starts on a 4-byte boundary of the reply:
 * the decoder releases whole floats and keeps the unaligned rest until it is either a float or `END`.
 * Residual ambiguity: a read that stops 3 bytes into a float whose low bytes happen to be "END"
 * (p ≈ 2^-24 per such read) would end the reply early; no framing in the protocol can rule that out.
 */

const E = 0x45;
const N = 0x4e;
const D = 0x44;

export interface DecodedPart {
  audio: Float32Array;
  done: boolean;
}

export class F5ReplyDecoder {
  private rest = new Uint8Array(0);
  private total = 0;

  /** Bytes of the reply so far (audio and marker). */
  get bytes(): number {
    return this.total;
  }

  push(chunk: Uint8Array): DecodedPart {
    this.total += chunk.length;
    const joined = this.rest.length === 0 ? chunk : concat(this.rest, chunk);
    const n = joined.length;
    if (n >= 3 && (n - 3) % 4 === 0 && joined[n - 3] === E && joined[n - 2] === N && joined[n - 1] === D) {
      this.rest = new Uint8Array(0);
      return { audio: floats(joined, n - 3), done: true };
    }
    const whole = n - (n % 4);
    this.rest = joined.slice(whole);
    return { audio: floats(joined, whole), done: false };
  }

  reset(): void {
    this.rest = new Uint8Array(0);
    this.total = 0;
  }
}

function floats(bytes: Uint8Array, length: number): Float32Array {
  const out = new Float32Array(length / 4);
  const view = new DataView(bytes.buffer, bytes.byteOffset, length);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Encodes audio the way the server does (for fakes and tests). */
export function encodeF5Audio(pcm: Float32Array): Uint8Array {
  const out = new Uint8Array(pcm.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < pcm.length; i++) view.setFloat32(i * 4, pcm[i] ?? 0, true);
  return out;
}

export const F5_END = Uint8Array.of(E, N, D);
