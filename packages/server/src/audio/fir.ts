/**
 * A linear-phase FIR equalizer designed from a gain curve (dB per FFT bin of 16 kHz audio), applied to a
 * stream chunk by chunk. Its delay (half the length) is taken out: the output lines up with the input.
 */
import { binHz, FFT_SIZE, fft, SPECTRUM_RATE } from "./spectrum.js";

export const EQ_HALF_TAPS = 64;
export const EQ_LIMIT_DB = 10;

/** Gain curve (dB per 16 kHz bin) taking `voice`'s LTAS to `sample`'s, limited, and flat outside 100 Hz–7 kHz. */
export function eqCurve(sample: Float64Array, voice: Float64Array, limitDb = EQ_LIMIT_DB): Float64Array {
  return sample.map((s, k) => {
    const f = binHz(k);
    const fade = f < 100 ? f / 100 : f > 7000 ? Math.max(0, (7600 - f) / 600) : 1;
    const g = Math.max(-limitDb, Math.min(limitDb, s - (voice[k] as number)));
    return g * fade;
  });
}

/**
 * Frequency-sampling design: zero-phase response of the curve, truncated to ±half taps, Hann window. For
 * audio at another `sampleRate` the curve is read by frequency (0 dB above 8 kHz) and the taps scaled so the
 * filter keeps the same resolution in Hz.
 */
export function designEq(gainDb: Float64Array, halfTaps = EQ_HALF_TAPS, sampleRate = SPECTRUM_RATE): Float32Array {
  const n = FFT_SIZE;
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  const half = Math.round((halfTaps * sampleRate) / SPECTRUM_RATE);
  const gainAt = (k: number): number => {
    if (sampleRate === SPECTRUM_RATE) return gainDb[k] ?? 0;
    const x = (k * sampleRate) / SPECTRUM_RATE;
    const i = Math.floor(x);
    if (i >= n / 2) return 0;
    const f = x - i;
    return (gainDb[i] ?? 0) * (1 - f) + (gainDb[i + 1] ?? 0) * f;
  };
  for (let k = 0; k <= n / 2; k++) {
    const g = 10 ** (gainAt(k) / 20);
    re[k] = g;
    if (k > 0 && k < n / 2) re[n - k] = g;
  }
  fft(re, im); // real even spectrum → real even impulse response (scaled by n)
  const taps = new Float32Array(2 * half + 1);
  for (let i = -half; i <= half; i++) {
    const w = 0.5 + 0.5 * Math.cos((Math.PI * i) / (half + 1));
    taps[i + half] = ((re[(i + n) % n] as number) / n) * w;
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
      // text the level was not fitted on can still peak higher: clip rather than wrap
      out[i] = acc > 1 ? 1 : acc < -1 ? -1 : acc;
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

/**
 * The EQ scaled so that `probe` (speech in the voice it will shape) keeps its loudness through it, and its
 * peaks stay under 0.98; returns the scaled taps and the probe equalized with them.
 */
export function levelMatchedEq(taps: Float32Array, probe: Float32Array): { taps: Float32Array; equalized: Float32Array } {
  const out = equalized(probe, taps);
  let inPow = 0;
  let outPow = 0;
  let peak = 0;
  for (let i = 0; i < probe.length; i++) {
    inPow += (probe[i] as number) ** 2;
    outPow += (out[i] as number) ** 2;
    peak = Math.max(peak, Math.abs(out[i] as number));
  }
  let scale = outPow > 0 ? Math.sqrt(inPow / outPow) : 1;
  if (peak * scale > 0.98) scale = 0.98 / peak;
  return { taps: taps.map((t) => t * scale), equalized: out.map((v) => v * scale) };
}

/** `pcm` through the EQ, whole (same length, aligned). */
export function equalized(pcm: Float32Array, taps: Float32Array): Float32Array {
  const fir = new StreamingFir(taps);
  const head = fir.push(pcm);
  const out = new Float32Array(pcm.length);
  out.set(head);
  out.set(fir.flush(), head.length);
  return out;
}
