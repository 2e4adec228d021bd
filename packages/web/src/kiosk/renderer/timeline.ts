import { ARKIT_52 } from "@mirror/protocol";

const N = ARKIT_52.length;

interface TurnFrames {
  samples: number[];
  weights: Float32Array[];
}

/** Face frames per turn, stamped with the audio sample they belong to; looked up by the audio position. */
export class FrameTimeline {
  private readonly turns = new Map<number, TurnFrames>();

  add(turnId: number, frames: readonly { sample: number; w: readonly number[] }[]): void {
    let t = this.turns.get(turnId);
    if (!t) {
      t = { samples: [], weights: [] };
      this.turns.set(turnId, t);
    }
    for (const f of frames) {
      const w = Float32Array.from(f.w);
      const last = t.samples[t.samples.length - 1];
      if (last === undefined || f.sample > last) {
        t.samples.push(f.sample);
        t.weights.push(w);
        continue;
      }
      const i = upperBound(t.samples, f.sample);
      if (t.samples[i - 1] === f.sample) t.weights[i - 1] = w;
      else {
        t.samples.splice(i, 0, f.sample);
        t.weights.splice(i, 0, w);
      }
    }
  }

  has(turnId: number): boolean {
    return this.turns.has(turnId);
  }

  drop(turnId: number): void {
    this.turns.delete(turnId);
  }

  clear(): void {
    this.turns.clear();
  }

  /**
   * Writes into `out` the weights at `sample` of the turn: the latest frame at or before it, blended towards the
   * next one. Past the last frame it holds that frame for `holdSamples`. Returns false (and leaves `out`) when no
   * frame applies.
   */
  at(turnId: number, sample: number, out: Float32Array, holdSamples: number): boolean {
    const t = this.turns.get(turnId);
    if (!t) return false;
    const i = upperBound(t.samples, sample) - 1;
    const s0 = t.samples[i];
    const w0 = t.weights[i];
    if (s0 === undefined || w0 === undefined) return false;
    const s1 = t.samples[i + 1];
    const w1 = t.weights[i + 1];
    if (s1 === undefined || w1 === undefined) {
      if (sample - s0 > holdSamples) return false;
      out.set(w0.subarray(0, N));
      return true;
    }
    const k = (sample - s0) / (s1 - s0);
    for (let j = 0; j < N; j++) out[j] = (w0[j] ?? 0) * (1 - k) + (w1[j] ?? 0) * k;
    return true;
  }
}

/** First index whose value is greater than x. */
function upperBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((a[mid] ?? 0) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
