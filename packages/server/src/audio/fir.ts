/**
 * A linear-phase FIR equalizer designed from a gain curve (dB per FFT bin of 16 kHz audio), applied to a
 * stream chunk by chunk. Its delay (half the length) is taken out: the output lines up with the input.
 */
import { FFT_SIZE, fft } from "./spectrum.js";

export const EQ_HALF_TAPS = 64;

/** Frequency-sampling design: zero-phase response of the curve, truncated to ±half taps, Hann window. */
export function designEq(gainDb: Float64Array, halfTaps = EQ_HALF_TAPS): Float32Array {
  const n = FFT_SIZE;
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let k = 0; k <= n / 2; k++) {
    const g = 10 ** ((gainDb[k] ?? 0) / 20);
    re[k] = g;
    if (k > 0 && k < n / 2) re[n - k] = g;
  }
  fft(re, im); // real even spectrum → real even impulse response (scaled by n)
  const taps = new Float32Array(2 * halfTaps + 1);
  for (let i = -halfTaps; i <= halfTaps; i++) {
    const w = 0.5 + 0.5 * Math.cos((Math.PI * i) / (halfTaps + 1));
    taps[i + halfTaps] = ((re[(i + n) % n] as number) / n) * w;
  }
  return taps;
}

export class StreamingFir {
  private readonly half: number;
  private history: Float32Array;
  /** input samples still owed to the caller's timeline (the filter's delay) */
  private skip: number;

  constructor(private readonly taps: Float32Array) {
    this.half = (taps.length - 1) / 2;
    this.history = new Float32Array(taps.length - 1);
    this.skip = this.half;
  }

  push(chunk: Float32Array): Float32Array {
    const len = this.taps.length;
    const buf = new Float32Array(this.history.length + chunk.length);
    buf.set(this.history);
    buf.set(chunk, this.history.length);
    const out = new Float32Array(chunk.length);
    for (let i = 0; i < chunk.length; i++) {
      let acc = 0;
      for (let t = 0; t < len; t++) acc += (this.taps[t] as number) * (buf[i + len - 1 - t] as number);
      out[i] = acc;
    }
    this.history = buf.slice(buf.length - (len - 1));
    if (this.skip === 0) return out;
    const drop = Math.min(this.skip, out.length);
    this.skip -= drop;
    return out.subarray(drop);
  }

  /** The filter's tail: as many samples as were dropped at the start. */
  flush(): Float32Array {
    return this.push(new Float32Array(this.half - this.skip));
  }
}
