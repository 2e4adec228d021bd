/** Conversions and measurements on mono PCM. */

export function int16ToFloat32(pcm: Int16Array): Float32Array {
  const out = new Float32Array(pcm.length);
  for (let i = 0; i < pcm.length; i++) out[i] = (pcm[i] ?? 0) / 32768;
  return out;
}

export function float32ToInt16(pcm: Float32Array): Int16Array {
  const out = new Int16Array(pcm.length);
  for (let i = 0; i < pcm.length; i++) {
    const v = Math.max(-1, Math.min(1, pcm[i] ?? 0));
    out[i] = v < 0 ? Math.round(v * 32768) : Math.round(v * 32767);
  }
  return out;
}

/** The parts one after another in a new buffer. */
export function concatPcm(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** Root mean square of a float32 buffer (0..1). */
export function rms(pcm: Float32Array | Int16Array, start = 0, end = pcm.length): number {
  const scale = pcm instanceof Int16Array ? 1 / 32768 : 1;
  let sum = 0;
  for (let i = start; i < end; i++) {
    const v = (pcm[i] ?? 0) * scale;
    sum += v * v;
  }
  return end > start ? Math.sqrt(sum / (end - start)) : 0;
}

export function toDbfs(linear: number): number {
  return linear > 0 ? 20 * Math.log10(linear) : -120;
}

/** Linear-interpolating resampler (good enough for speech between 16/22.05/24/48 kHz). */
export function resample(pcm: Float32Array, from: number, to: number): Float32Array {
  if (from === to) return pcm;
  const n = Math.floor((pcm.length * to) / from);
  const out = new Float32Array(n);
  const step = from / to;
  for (let i = 0; i < n; i++) {
    const x = i * step;
    const i0 = Math.floor(x);
    const f = x - i0;
    const a = pcm[i0] ?? 0;
    const b = pcm[i0 + 1] ?? a;
    out[i] = a + (b - a) * f;
  }
  return out;
}

/**
 * Streaming resampler: keeps phase across chunks so sentence after sentence joins without clicks.
 */
export class StreamResampler {
  private pos = 0; // fractional read position into the virtual input stream, relative to `buf` start
  private buf = new Float32Array(0);
  constructor(
    readonly from: number,
    readonly to: number,
  ) {}

  push(chunk: Float32Array): Float32Array {
    if (this.from === this.to) return chunk;
    const joined = new Float32Array(this.buf.length + chunk.length);
    joined.set(this.buf);
    joined.set(chunk, this.buf.length);
    const step = this.from / this.to;
    const out: number[] = [];
    while (this.pos + 1 < joined.length) {
      const i0 = Math.floor(this.pos);
      const f = this.pos - i0;
      const a = joined[i0] ?? 0;
      const b = joined[i0 + 1] ?? a;
      out.push(a + (b - a) * f);
      this.pos += step;
    }
    const keep = Math.floor(this.pos);
    this.buf = joined.slice(keep);
    this.pos -= keep;
    return Float32Array.from(out);
  }

  /** Emits what is left (the last sample, held for interpolation). */
  flush(): Float32Array {
    const rest = this.pos < this.buf.length ? Float32Array.of(this.buf[this.buf.length - 1] ?? 0) : new Float32Array(0);
    this.buf = new Float32Array(0);
    this.pos = 0;
    return rest;
  }
}
