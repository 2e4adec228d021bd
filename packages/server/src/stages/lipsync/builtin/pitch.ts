/**
 * The voice's pitch (F0) as the turn's audio streams in: the audio is kept at ~8 kHz and each frame's F0 is
 * the lag of the highest normalised autocorrelation in a 32 ms window, 75–400 Hz, when it is periodic enough.
 */
const TARGET_RATE = 8000;
const WINDOW_S = 0.032;
const MIN_HZ = 75;
const MAX_HZ = 400;
/** normalised autocorrelation a voiced (periodic) window reaches */
const VOICED_NCCF = 0.55;
const OCTAVE_GUARD = 0.9;

export class PitchTracker {
  private readonly factor: number;
  private readonly rate: number;
  private data = new Float32Array(8000);
  private length = 0;
  private acc = 0;
  private accN = 0;
  private next = 0;
  private readonly nccf = new Float32Array(Math.ceil(TARGET_RATE / MIN_HZ) + 2);

  constructor(private readonly sampleRate: number) {
    this.factor = Math.max(1, Math.round(sampleRate / TARGET_RATE));
    this.rate = sampleRate / this.factor;
  }

  /** Adds audio starting at absolute sample `at` (in order; overlaps with what was pushed are skipped). */
  push(pcm: Float32Array, at: number): void {
    // a gap in the audio is silence
    for (let gap = at - this.next; gap > 0; gap--) this.take(0);
    for (let i = Math.max(0, this.next - at); i < pcm.length; i++) {
      this.take(pcm[i] ?? 0);
    }
    this.next = Math.max(this.next, at + pcm.length);
  }

  /** a box average before keeping every factor-th sample: a crude low-pass, enough for F0 */
  private take(x: number): void {
    this.acc += x;
    if (++this.accN < this.factor) return;
    this.append(this.acc / this.factor);
    this.acc = 0;
    this.accN = 0;
  }

  /** F0 (Hz) around output sample `sample`, or 0 where the voice is not periodic (or not known yet). */
  at(sample: number): number {
    const win = Math.round(WINDOW_S * this.rate);
    const maxLag = Math.ceil(this.rate / MIN_HZ);
    const minLag = Math.floor(this.rate / MAX_HZ);
    const start = Math.round(sample / this.factor - (win + maxLag) / 2);
    if (start < 0 || start + win + maxLag > this.length) return 0;
    const x = this.data;
    let e0 = 0;
    for (let i = start; i < start + win; i++) e0 += x[i]! * x[i]!;
    if (e0 <= 1e-9) return 0;
    const r = this.nccf;
    let best = 0;
    for (let lag = minLag; lag <= maxLag; lag++) {
      let c = 0;
      let e1 = 0;
      for (let i = start; i < start + win; i++) {
        const y = x[i + lag]!;
        c += x[i]! * y;
        e1 += y * y;
      }
      r[lag] = c / Math.sqrt(e0 * e1 + 1e-12);
      best = Math.max(best, r[lag]!);
    }
    if (best < VOICED_NCCF) return 0;
    // the shortest period that nearly matches the best: a multiple of the period correlates almost as well
    for (let lag = minLag + 1; lag < maxLag; lag++) {
      const v = r[lag]!;
      if (v >= OCTAVE_GUARD * best && v >= r[lag - 1]! && v >= r[lag + 1]!) return this.rate / lag;
    }
    return 0;
  }

  private append(v: number): void {
    if (this.length === this.data.length) {
      const grown = new Float32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = v;
  }
}
