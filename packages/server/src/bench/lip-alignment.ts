import { BLENDSHAPE_INDEX, MOUTH_SHAPES } from "@mirror/protocol";

/**
 * How well a reply's mouth lines up with its voice: voiced stretches of the audio against mouth-open stretches
 * of the frames, edge by edge, in ms (+ = the mouth is later than the voice).
 *
 * Voiced: 5 ms bins above −30 dB under the reply's loudest bin. Mouth open: the mouth away from rest (its most
 * active mouth/jaw blendshape above 0.1: an /s/ spreads the lips and an /m/ presses them with the jaw nearly
 * shut), read between frames by linear interpolation. In both, pauses shorter than 100 ms (a stop's closure inside a phrase) are
 * bridged, so edges are those of phrases and word groups, where a viewer sees the mouth open and close.
 */
export interface AlignedFrame {
  sample: number;
  /** max of the mouth and jaw blendshapes (MOUTH_SHAPES) */
  mouth: number;
}

export function mouthOf(weights: ArrayLike<number>): number {
  let m = 0;
  for (const k of MOUTH) m = Math.max(m, weights[k] ?? 0);
  return m;
}

export interface EdgeOffsets {
  /** mouth opening − voice onset, per voiced stretch (ms) */
  onsets: number[];
  /** mouth closing − voice end, per voiced stretch (ms) */
  offsets: number[];
  /** voiced stretches the mouth never opened for */
  missed: number;
  /** mouth-open stretches over no voice */
  spurious: number;
}

const MOUTH = MOUTH_SHAPES.map((n) => BLENDSHAPE_INDEX[n]);
const BIN_MS = 5;
const VOICED_BELOW_PEAK_DB = 30;
const MOUTH_OPEN = 0.1;
const BRIDGE_MS = 100;
/** stretches shorter than this are clicks, not speech */
const MIN_RUN_MS = 30;

type Run = [number, number];

export function voicedRuns(pcm: Float32Array, sampleRate: number): Run[] {
  const bin = Math.round((sampleRate * BIN_MS) / 1000);
  const db: number[] = [];
  for (let i = 0; i + bin <= pcm.length; i += bin) {
    let e = 0;
    for (let k = i; k < i + bin; k++) e += pcm[k]! ** 2;
    db.push(10 * Math.log10(e / bin + 1e-12));
  }
  const peak = Math.max(...db);
  return bridge(
    runsOf(db.map((d) => d > peak - VOICED_BELOW_PEAK_DB)).map(([a, b]) => [a * BIN_MS, b * BIN_MS] as Run),
  );
}

export function mouthRuns(frames: readonly AlignedFrame[], sampleRate: number): Run[] {
  const out: Run[] = [];
  let openAt: number | null = null;
  for (let i = 0; i < frames.length; i++) {
    const f = frames[i]!;
    const prev = frames[i - 1];
    const t = (f.sample / sampleRate) * 1000;
    const open = f.mouth > MOUTH_OPEN;
    const wasOpen = prev ? prev.mouth > MOUTH_OPEN : false;
    if (open === wasOpen) continue;
    // where the threshold was crossed between the two frames
    const tp = prev ? (prev.sample / sampleRate) * 1000 : t;
    const x = prev && f.mouth !== prev.mouth ? (MOUTH_OPEN - prev.mouth) / (f.mouth - prev.mouth) : 1;
    const at = tp + x * (t - tp);
    if (open) openAt = at;
    else if (openAt !== null) {
      out.push([openAt, at]);
      openAt = null;
    }
  }
  const last = frames[frames.length - 1];
  if (openAt !== null && last) out.push([openAt, (last.sample / sampleRate) * 1000]);
  return bridge(out);
}

export function edgeOffsets(pcm: Float32Array, frames: readonly AlignedFrame[], sampleRate: number): EdgeOffsets {
  const voiced = voicedRuns(pcm, sampleRate).filter(([a, b]) => b - a >= MIN_RUN_MS);
  const mouth = mouthRuns(frames, sampleRate).filter(([a, b]) => b - a >= MIN_RUN_MS);
  const overlaps = (x: Run, y: Run) => x[0] < y[1] && y[0] < x[1];
  const result: EdgeOffsets = { onsets: [], offsets: [], missed: 0, spurious: mouth.filter((m) => !voiced.some((v) => overlaps(m, v))).length };
  for (const v of voiced) {
    const with_ = mouth.filter((m) => overlaps(m, v));
    const first = with_[0];
    const last = with_[with_.length - 1];
    if (!first || !last) {
      result.missed++;
      continue;
    }
    result.onsets.push(first[0] - v[0]);
    result.offsets.push(last[1] - v[1]);
  }
  return result;
}

export function summarize(xs: readonly number[]): { n: number; p50: number; p95abs: number; withinOneFrame: number } {
  const sorted = [...xs].sort((a, b) => a - b);
  const abs = xs.map(Math.abs).sort((a, b) => a - b);
  const q = (s: number[], p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN;
  const r = (x: number) => Math.round(x * 10) / 10;
  return { n: xs.length, p50: r(q(sorted, 0.5)), p95abs: r(q(abs, 0.95)), withinOneFrame: r(abs.filter((d) => d <= 1000 / 60).length / Math.max(1, abs.length)) };
}

function runsOf(on: boolean[]): Run[] {
  const out: Run[] = [];
  let start = -1;
  on.forEach((v, i) => {
    if (v && start < 0) start = i;
    if (!v && start >= 0) {
      out.push([start, i]);
      start = -1;
    }
  });
  if (start >= 0) out.push([start, on.length]);
  return out;
}

function bridge(runs: Run[]): Run[] {
  return runs.reduce<Run[]>((acc, r) => {
    const last = acc[acc.length - 1];
    if (last && r[0] - last[1] < BRIDGE_MS) last[1] = Math.max(last[1], r[1]);
    else acc.push([r[0], r[1]]);
    return acc;
  }, []);
}
