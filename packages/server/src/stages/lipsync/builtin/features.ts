/**
 * Streaming audio features for lip-sync: the turn's audio runs through three band filters as it is
 * pushed, and energies are kept per 5 ms bin, so any frame's window can be summed later.
 */

export interface FrameFeatures {
  /** level in dBFS over the window */
  db: number;
  /** share of the energy around F1 (300–900 Hz): open vowels */
  low: number;
  /** share around F2 of front vowels (1.4–2.8 kHz): spread lips */
  mid: number;
  /** share above 4 kHz: sibilants and fricatives */
  high: number;
  /** zero crossings per sample */
  zcr: number;
}

const BIN_SECONDS = 0.005;
const FIELDS = 6; // energy, low, mid, high, zero crossings, samples

/** RBJ cookbook biquad, direct form I. */
class Biquad {
  private x1 = 0;
  private x2 = 0;
  private y1 = 0;
  private y2 = 0;
  private constructor(
    private readonly b0: number,
    private readonly b1: number,
    private readonly b2: number,
    private readonly a1: number,
    private readonly a2: number,
  ) {}

  static bandpass(sampleRate: number, hz: number, q: number): Biquad {
    const w = (2 * Math.PI * Math.min(hz, sampleRate * 0.45)) / sampleRate;
    const alpha = Math.sin(w) / (2 * q);
    const a0 = 1 + alpha;
    return new Biquad(alpha / a0, 0, -alpha / a0, (-2 * Math.cos(w)) / a0, (1 - alpha) / a0);
  }

  static highpass(sampleRate: number, hz: number): Biquad {
    const w = (2 * Math.PI * Math.min(hz, sampleRate * 0.45)) / sampleRate;
    const alpha = Math.sin(w) / (2 * Math.SQRT1_2);
    const c = Math.cos(w);
    const a0 = 1 + alpha;
    return new Biquad((1 + c) / 2 / a0, -(1 + c) / a0, (1 + c) / 2 / a0, (-2 * c) / a0, (1 - alpha) / a0);
  }

  step(x: number): number {
    const y = this.b0 * x + this.b1 * this.x1 + this.b2 * this.x2 - this.a1 * this.y1 - this.a2 * this.y2;
    this.x2 = this.x1;
    this.x1 = x;
    this.y2 = this.y1;
    this.y1 = y;
    return y;
  }
}

export class AudioFeatures {
  readonly binSize: number;
  /** one past the last sample pushed (gaps before it count as silence) */
  end = 0;
  private bins = new Float64Array(1024 * FIELDS);
  private readonly low: Biquad;
  private readonly mid: Biquad;
  private readonly high: Biquad;
  private prev = 0;

  constructor(readonly sampleRate: number) {
    this.binSize = Math.max(1, Math.round(sampleRate * BIN_SECONDS));
    this.low = Biquad.bandpass(sampleRate, 550, 0.8);
    this.mid = Biquad.bandpass(sampleRate, 2000, 1.0);
    this.high = Biquad.highpass(sampleRate, 4000);
  }

  /** Adds audio that starts at absolute sample `at`; whatever overlaps audio already pushed is skipped. */
  push(pcm: Float32Array, at: number): void {
    const skip = Math.max(0, this.end - at);
    if (skip >= pcm.length) return;
    const last = at + pcm.length;
    this.ensure(Math.ceil(last / this.binSize));
    for (let i = skip; i < pcm.length; i++) {
      const x = pcm[i] ?? 0;
      const b = Math.floor((at + i) / this.binSize) * FIELDS;
      const l = this.low.step(x);
      const m = this.mid.step(x);
      const h = this.high.step(x);
      this.bins[b] = (this.bins[b] ?? 0) + x * x;
      this.bins[b + 1] = (this.bins[b + 1] ?? 0) + l * l;
      this.bins[b + 2] = (this.bins[b + 2] ?? 0) + m * m;
      this.bins[b + 3] = (this.bins[b + 3] ?? 0) + h * h;
      if ((x >= 0) !== (this.prev >= 0)) this.bins[b + 4] = (this.bins[b + 4] ?? 0) + 1;
      this.bins[b + 5] = (this.bins[b + 5] ?? 0) + 1;
      this.prev = x;
    }
    this.end = Math.max(this.end, last);
  }

  /** Features of the window [center - half, center + half) (samples). */
  at(center: number, half: number): FrameFeatures {
    const from = Math.max(0, Math.floor((center - half) / this.binSize));
    const to = Math.min(Math.ceil(this.end / this.binSize), Math.ceil((center + half) / this.binSize));
    let e = 0;
    let lo = 0;
    let mi = 0;
    let hi = 0;
    let zc = 0;
    for (let k = from; k < to; k++) {
      const b = k * FIELDS;
      e += this.bins[b] ?? 0;
      lo += this.bins[b + 1] ?? 0;
      mi += this.bins[b + 2] ?? 0;
      hi += this.bins[b + 3] ?? 0;
      zc += this.bins[b + 4] ?? 0;
    }
    // silence and gaps count in the window length, so a half-covered window reads quieter
    const n = Math.max(1, 2 * half);
    const db = e > 0 ? 10 * Math.log10(e / n) : -120;
    const bandSum = lo + mi + hi;
    return {
      db,
      low: bandSum > 0 ? lo / bandSum : 0,
      mid: bandSum > 0 ? mi / bandSum : 0,
      high: bandSum > 0 ? hi / bandSum : 0,
      zcr: zc / n,
    };
  }

  private ensure(bins: number): void {
    if (bins * FIELDS <= this.bins.length) return;
    const grown = new Float64Array(Math.max(bins * FIELDS, this.bins.length * 2));
    grown.set(this.bins);
    this.bins = grown;
  }
}
