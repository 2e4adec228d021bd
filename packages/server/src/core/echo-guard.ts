/**
 * Server-side echo guard: the server knows exactly what the double said (the reply audio) and, from the player's
 * reports, when it played. Placed on the microphone's own sample timeline, that reference is removed from the mic
 * by an NLMS adaptive filter (the room's echo path: delay, gain, reflections), after a coarse delay search on the
 * energy envelopes. What is left is the visitor; the VAD only ever sees that residual while the double speaks.
 */

export interface EchoGuardOptions {
  /** smallest and largest echo delay searched, relative to where the reference was placed (ms); default -80 / 400 */
  minDelayMs?: number;
  maxDelayMs?: number;
  /** length of the echo path the filter models after the direct sound (ms); default 40 */
  tailMs?: number;
  /** NLMS step size (0 < mu < 2); default 0.7 */
  stepSize?: number;
  /** how much mic history the delay search correlates (ms); default 1600 */
  searchWindowMs?: number;
}

const SR = 16_000;
const BLOCK = 80; // 5 ms envelope blocks
const PRE = 64; // taps before the estimated direct path (4 ms), for a slightly early estimate
const NO_ECHO_AFTER = SR; // 1 s of the double without a trace of it in the mic: no echo to guard against

interface RefChunk {
  start: number;
  pcm: Float32Array;
}

export class EchoGuard {
  private readonly minLag: number;
  private readonly maxLag: number;
  private readonly taps: number;
  private readonly mu: number;
  private readonly window: number;
  private chunks: RefChunk[] = [];
  private weights: Float32Array;
  /** mic sample index where the filter's first tap looks, relative to the mic sample (lag of tap 0) */
  private lag: number | null = null;
  private readonly micHistory: Float32Array;
  private historyEnd = 0;
  private sinceSearch = 0;
  /** long-term echo return loss enhancement (dB), for telling double-talk from a filter still learning */
  private erleDb = 0;
  /** power ratio mic / reference over the aligned search window: how loud the room makes the double */
  private echoGain2 = 0;
  /** reference samples played with no echo path found: past a while, the room (or the browser's AEC) gives none */
  private unaligned = 0;
  /** the last frame looked like the visitor talking over the double: the filter holds still */
  private doubleTalk = false;

  constructor(opts: EchoGuardOptions = {}) {
    this.minLag = Math.round(((opts.minDelayMs ?? -80) * SR) / 1000);
    this.maxLag = Math.round(((opts.maxDelayMs ?? 400) * SR) / 1000);
    this.taps = PRE + Math.round(((opts.tailMs ?? 40) * SR) / 1000);
    this.mu = opts.stepSize ?? 0.7;
    this.window = Math.round(((opts.searchWindowMs ?? 1600) * SR) / 1000);
    this.weights = new Float32Array(this.taps);
    this.micHistory = new Float32Array(this.window);
  }

  /** Reply audio (16 kHz) heard in the room from mic sample `start` on. */
  addReference(pcm: Float32Array, start: number): void {
    if (pcm.length === 0) return;
    this.chunks.push({ start, pcm });
  }

  /** The reply was cut: nothing of it plays after mic sample `at`. */
  stopReference(at: number): void {
    this.chunks = this.chunks.filter((c) => c.start < at).map((c) => (c.start + c.pcm.length > at ? { start: c.start, pcm: c.pcm.subarray(0, at - c.start) } : c));
  }

  /** The reply paused at mic sample `at`: removes what would have played from then on and returns it (to add again, later). */
  takeReference(at: number): Array<{ start: number; pcm: Float32Array }> {
    const after = this.chunks
      .filter((c) => c.start + c.pcm.length > at)
      .map((c) => (c.start < at ? { start: at, pcm: c.pcm.subarray(at - c.start) } : c));
    this.stopReference(at);
    return after;
  }

  /** True while some reference may still be heard in the mic at sample `at`. */
  active(at: number): boolean {
    const limit = at - this.maxLag - this.taps;
    return this.chunks.some((c) => c.start + c.pcm.length > limit && c.start <= at - this.minLag);
  }

  /** A mic frame starting at mic sample `start` → the same frame with the double's voice taken out. */
  process(frame: Int16Array, start: number): Int16Array {
    const mic = Float32Array.from(frame, (v) => v / 32768);
    this.remember(mic);
    this.prune(start);
    if (!this.active(start + mic.length)) return frame;
    if (++this.sinceSearch >= 10 || this.lag === null) {
      // every frame until the echo path is found, then every 200 ms to follow a change
      this.sinceSearch = 0;
      this.searchDelay(start + mic.length);
    }
    const residual = this.lag === null ? this.suppressUnaligned(mic, start) : this.cancel(mic, start, this.lag);
    return Int16Array.from(residual, (v) => Math.max(-32768, Math.min(32767, Math.round(v * 32768))));
  }

  /** The reference as heard at mic samples [from, to): zero where nothing plays. */
  private reference(from: number, to: number): Float32Array {
    const out = new Float32Array(Math.max(0, to - from));
    for (const c of this.chunks) {
      const a = Math.max(from, c.start);
      const b = Math.min(to, c.start + c.pcm.length);
      for (let i = a; i < b; i++) out[i - from] = c.pcm[i - c.start] ?? 0;
    }
    return out;
  }

  private cancel(mic: Float32Array, start: number, lag: number): Float32Array {
    const n = mic.length;
    const L = this.taps;
    // x[i + L - 1 - k] is the reference sample tap k sees for mic sample i
    const x = this.reference(start - lag - L + 1, start - lag + n);
    const w = this.weights;
    const out = new Float32Array(n);
    // regularized by a quiet room's level over the filter, so near-silent reference cannot inflate the weights
    const eps = L * 1e-5;
    const adapt = !this.doubleTalk;
    let energy = 0;
    for (let k = 0; k < L; k++) energy += x[k]! * x[k]!;
    let micPow = 0;
    let errPow = 0;
    for (let i = 0; i < n; i++) {
      if (i > 0) energy += x[i + L - 1]! * x[i + L - 1]! - x[i - 1]! * x[i - 1]!;
      const base = i + L - 1;
      let y = 0;
      for (let k = 0; k < L; k++) y += w[k]! * x[base - k]!;
      const d = mic[i]!;
      const e = d - y;
      out[i] = e;
      micPow += d * d;
      errPow += e * e;
      if (!adapt || energy < eps) continue;
      const g = (this.mu * e) / (energy + eps);
      for (let k = 0; k < L; k++) w[k]! += g * x[base - k]!;
    }
    let aligned = 0;
    let whole = 0;
    for (let i = 0; i < x.length; i++) {
      whole += x[i]! * x[i]!;
      if (i >= L - 1) aligned += x[i]! * x[i]!;
    }
    // the room smears the double over the filter's span: the echo in this frame may come from any of it
    const predictedEcho = this.echoGain2 * Math.max(aligned, (whole * n) / x.length);
    // the visitor talking over the double: the mic is louder than the room can make the double; the filter holds
    // still (it would learn the visitor's voice) until that passes
    this.doubleTalk = micPow > 2 * predictedEcho;
    const frameErle = 10 * Math.log10((micPow + 1e-10) / (errPow + 1e-10));
    if (!this.doubleTalk && micPow > 1e-7) this.erleDb += (frameErle - this.erleDb) * 0.1;
    // residual echo suppression: what the filter left is attenuated unless it is clearly louder than the echo the
    // reference predicts, less the filter's measured reduction
    const leak = Math.max(0.003, 10 ** (-Math.max(0, this.erleDb) / 10));
    if (errPow < 2 * predictedEcho * leak) for (let i = 0; i < n; i++) out[i] = out[i]! * 0.1;
    return out;
  }

  /** Before the echo path is known: attenuate mic frames no louder than the loudest reference that could be in them. */
  private suppressUnaligned(mic: Float32Array, start: number): Float32Array {
    const n = mic.length;
    this.unaligned += n;
    if (this.unaligned > NO_ECHO_AFTER) return mic;
    const ref = this.reference(start - this.maxLag, start + n - this.minLag);
    let loudest = 0;
    for (let i = 0; i + n <= ref.length; i += n) {
      let p = 0;
      for (let j = i; j < i + n; j++) p += ref[j]! * ref[j]!;
      loudest = Math.max(loudest, p);
    }
    let micPow = 0;
    for (const v of mic) micPow += v * v;
    // no measure of the room yet: assume the loudspeaker and its reflections as loud as the reference itself, twice over
    const gain2 = this.echoGain2 > 0 ? this.echoGain2 : 2;
    return micPow < 2 * gain2 * loudest ? mic.map((v) => v * 0.1) : mic;
  }

  /** Coarse delay: the lag that best lines up the mic's energy envelope with the reference's. */
  private searchDelay(end: number): void {
    const blocks = Math.floor(Math.min(this.historyEnd, this.window) / BLOCK);
    if (blocks < 60) return;
    const from = end - blocks * BLOCK;
    const micEnv = envelope(this.history(blocks * BLOCK), blocks);
    const lo = Math.floor(this.minLag / BLOCK);
    const hi = Math.ceil(this.maxLag / BLOCK);
    const refAll = this.reference(from - hi * BLOCK, end - lo * BLOCK);
    const refEnv = envelope(refAll, Math.floor(refAll.length / BLOCK));
    let best = -1;
    let bestLag = 0;
    for (let d = lo; d <= hi; d++) {
      // mic block j lines up with reference block j + hi - d
      const c = correlation(micEnv, refEnv, hi - d);
      if (c > best) {
        best = c;
        bestLag = d * BLOCK;
      }
    }
    if (best < 0.6) return;
    const aligned = this.reference(from - bestLag, end - bestLag);
    // an edge alone (the double just started) lines up at many lags: wait for 200 ms of the double in the window
    let playing = 0;
    for (const v of envelope(aligned, blocks)) if (v > -3) playing++;
    if (playing < 40) return;
    const micRms = rmsOf(this.history(blocks * BLOCK));
    const refRms = rmsOf(aligned);
    if (refRms < 1e-4) return;
    this.echoGain2 = (micRms / refRms) ** 2;
    const lag = bestLag - PRE;
    if (this.lag === null || Math.abs(lag - this.lag) > BLOCK * 2) {
      this.lag = lag;
      this.weights = new Float32Array(this.taps);
      // start from a direct path with the level difference, so cancelling begins before the filter has learned
      this.weights[PRE] = Math.min(2, (0.5 * micRms) / refRms);
      this.erleDb = 0;
    }
  }

  private remember(mic: Float32Array): void {
    const h = this.micHistory;
    if (mic.length >= h.length) h.set(mic.subarray(mic.length - h.length));
    else {
      h.copyWithin(0, mic.length);
      h.set(mic, h.length - mic.length);
    }
    this.historyEnd += mic.length;
  }

  private history(n: number): Float32Array {
    return this.micHistory.subarray(this.micHistory.length - n);
  }

  private prune(at: number): void {
    const limit = at - this.maxLag - this.taps - this.window;
    this.chunks = this.chunks.filter((c) => c.start + c.pcm.length > limit);
  }
}

function rmsOf(pcm: Float32Array): number {
  let s = 0;
  for (const v of pcm) s += v * v;
  return Math.sqrt(s / Math.max(1, pcm.length));
}

function envelope(pcm: Float32Array, blocks: number): Float32Array {
  const out = new Float32Array(blocks);
  for (let b = 0; b < blocks; b++) {
    let s = 0;
    for (let i = b * BLOCK; i < (b + 1) * BLOCK; i++) s += Math.abs(pcm[i] ?? 0);
    out[b] = Math.log10(s / BLOCK + 1e-5);
  }
  return out;
}

/** Pearson correlation of `a` against `b` shifted by `offset` blocks (b[j + offset] pairs with a[j]). */
function correlation(a: Float32Array, b: Float32Array, offset: number): number {
  let n = 0;
  let sa = 0;
  let sb = 0;
  for (let j = 0; j < a.length; j++) {
    const y = b[j + offset];
    if (y === undefined) continue;
    sa += a[j] ?? 0;
    sb += y;
    n++;
  }
  if (n < 20) return -1;
  const ma = sa / n;
  const mb = sb / n;
  let num = 0;
  let va = 0;
  let vb = 0;
  for (let j = 0; j < a.length; j++) {
    const y = b[j + offset];
    if (y === undefined) continue;
    const p = (a[j] ?? 0) - ma;
    const q = y - mb;
    num += p * q;
    va += p * p;
    vb += q * q;
  }
  return va > 0 && vb > 0 ? num / Math.sqrt(va * vb) : -1;
}
