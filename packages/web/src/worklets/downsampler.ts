/**
 * Streaming band-limited resampler (windowed sinc, Kaiser window) from the AudioContext rate down to a lower rate.
 * The kernel is the anti-alias low-pass: cutoff a little below the output Nyquist, ~70 dB stop band.
 * Pure (no worklet globals), so it runs in tests too.
 */

const TABLE_STEPS = 256; // kernel samples per input sample; values in between are linearly interpolated

export interface DownsamplerOptions {
  /** low-pass cutoff as a fraction of the output Nyquist frequency */
  cutoff?: number;
  /** transition band width in Hz */
  transitionHz?: number;
  /** stop-band attenuation in dB */
  attenuationDb?: number;
}

export class Downsampler {
  readonly ratio: number;
  private readonly halfWidth: number;
  private readonly table: Float32Array;
  private buf: Float32Array;
  private len: number;
  /** position (in input samples, relative to buf[0]) of the next output sample */
  private pos: number;

  constructor(inRate: number, outRate: number, opts: DownsamplerOptions = {}) {
    if (outRate > inRate) throw new Error(`cannot upsample ${inRate} → ${outRate}`);
    this.ratio = inRate / outRate;
    const cutoffHz = (opts.cutoff ?? 0.9) * (outRate / 2);
    const transitionHz = opts.transitionHz ?? 0.2 * (outRate / 2);
    const atten = opts.attenuationDb ?? 70;
    const beta = atten > 50 ? 0.1102 * (atten - 8.7) : 0.5842 * (atten - 21) ** 0.4 + 0.07886 * (atten - 21);
    const taps = Math.ceil((atten - 8) / (2.285 * ((2 * Math.PI * transitionHz) / inRate)));
    this.halfWidth = Math.ceil(taps / 2);
    const fc = cutoffHz / inRate; // cycles per input sample
    const n = this.halfWidth * TABLE_STEPS;
    this.table = new Float32Array(n + 2);
    const i0Beta = besselI0(beta);
    for (let i = 0; i <= n + 1; i++) {
      const x = i / TABLE_STEPS;
      const r = x / this.halfWidth;
      const win = r >= 1 ? 0 : besselI0(beta * Math.sqrt(1 - r * r)) / i0Beta;
      this.table[i] = 2 * fc * sinc(2 * fc * x) * win;
    }
    this.buf = new Float32Array(this.halfWidth * 2 + 4096);
    this.len = this.halfWidth; // zero history so the first outputs have a full (silent) past
    this.pos = this.halfWidth;
  }

  /** Feeds input samples; writes resampled output into `out` (grown as needed) and returns how many were written. */
  process(input: Float32Array, out: Float32Array): number {
    this.append(input);
    let written = 0;
    const hw = this.halfWidth;
    while (this.pos + hw < this.len && written < out.length) {
      out[written++] = this.sampleAt(this.pos);
      this.pos += this.ratio;
    }
    const drop = Math.floor(this.pos) - hw;
    if (drop > 0) {
      this.buf.copyWithin(0, drop, this.len);
      this.len -= drop;
      this.pos -= drop;
    }
    return written;
  }

  /** Upper bound of outputs one `process` call can produce for `inputLength` new samples. */
  maxOutput(inputLength: number): number {
    return Math.ceil(inputLength / this.ratio) + 2;
  }

  private append(input: Float32Array): void {
    if (this.len + input.length > this.buf.length) {
      const grown = new Float32Array((this.len + input.length) * 2);
      grown.set(this.buf.subarray(0, this.len));
      this.buf = grown;
    }
    this.buf.set(input, this.len);
    this.len += input.length;
  }

  private sampleAt(t: number): number {
    const hw = this.halfWidth;
    const center = Math.floor(t);
    const table = this.table;
    const buf = this.buf;
    let acc = 0;
    for (let k = center - hw + 1; k <= center + hw; k++) {
      const d = Math.abs(t - k) * TABLE_STEPS;
      const i = Math.floor(d);
      if (i >= hw * TABLE_STEPS) continue;
      const f = d - i;
      const h = (table[i] ?? 0) * (1 - f) + (table[i + 1] ?? 0) * f;
      acc += (buf[k] ?? 0) * h;
    }
    return acc;
  }
}

function sinc(x: number): number {
  if (x === 0) return 1;
  const px = Math.PI * x;
  return Math.sin(px) / px;
}

function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 50; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < 1e-12 * sum) break;
  }
  return sum;
}
