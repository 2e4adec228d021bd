import { ARKIT_52, HEAD_ROTATIONS } from "@mirror/protocol";

const N = ARKIT_52.length;
const R = HEAD_ROTATIONS.length;

interface TurnFrames {
  samples: number[];
  weights: Float32Array[];
  /** the frame's head and eye rotations (HEAD_ROTATIONS), null when it carries none */
  rotations: (Float32Array | null)[];
}

/** A face frame as the server sends it: its output sample, 52 weights, optionally 9 rotations. */
export interface TimedFrame {
  sample: number;
  w: readonly number[];
  r?: readonly number[] | undefined;
}

/** Face frames per turn, stamped with the audio sample they belong to; looked up by the audio position. */
export class FrameTimeline {
  private readonly turns = new Map<number, TurnFrames>();

  add(turnId: number, frames: readonly TimedFrame[]): void {
    let t = this.turns.get(turnId);
    if (!t) {
      t = { samples: [], weights: [], rotations: [] };
      this.turns.set(turnId, t);
    }
    for (const f of frames) {
      const w = Float32Array.from(f.w);
      const r = f.r && f.r.length === R ? Float32Array.from(f.r) : null;
      const last = t.samples[t.samples.length - 1];
      if (last === undefined || f.sample > last) {
        t.samples.push(f.sample);
        t.weights.push(w);
        t.rotations.push(r);
        continue;
      }
      const i = upperBound(t.samples, f.sample);
      if (t.samples[i - 1] === f.sample) {
        t.weights[i - 1] = w;
        t.rotations[i - 1] = r;
      } else {
        t.samples.splice(i, 0, f.sample);
        t.weights.splice(i, 0, w);
        t.rotations.splice(i, 0, r);
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
   * next one, and likewise the head and eye rotations into `rotations` (zeros where a frame has none). Past the last
   * frame it holds that frame for `holdSamples`. Returns false (and leaves both) when no frame applies.
   */
  at(turnId: number, sample: number, out: Float32Array, holdSamples: number, rotations?: Float32Array): boolean {
    const t = this.turns.get(turnId);
    if (!t) return false;
    const i = upperBound(t.samples, sample) - 1;
    const s0 = t.samples[i];
    const w0 = t.weights[i];
    if (s0 === undefined || w0 === undefined) return false;
    const s1 = t.samples[i + 1];
    const w1 = t.weights[i + 1];
    const r0 = t.rotations[i] ?? null;
    if (s1 === undefined || w1 === undefined) {
      if (sample - s0 > holdSamples) return false;
      out.set(w0.subarray(0, N));
      if (rotations) blend(rotations, r0, r0, 0);
      return true;
    }
    const k = (sample - s0) / (s1 - s0);
    for (let j = 0; j < N; j++) out[j] = (w0[j] ?? 0) * (1 - k) + (w1[j] ?? 0) * k;
    if (rotations) blend(rotations, r0, t.rotations[i + 1] ?? null, k);
    return true;
  }
}

function blend(out: Float32Array, a: Float32Array | null, b: Float32Array | null, k: number): void {
  for (let j = 0; j < R; j++) out[j] = (a?.[j] ?? 0) * (1 - k) + (b?.[j] ?? 0) * k;
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
