import { BLENDSHAPE_INDEX, MOUTH_SHAPES } from "@mirror/protocol";
import { VISEME_POSES } from "../stages/lipsync/builtin/poses.js";
import type { Viseme } from "../stages/lipsync/builtin/visemes.js";

/**
 * How well a reply's mouth *shapes* agree with a reference (the same reply animated from the TTS's own phoneme
 * timings), frame by frame. Every frame where the reference mouth is open gets a class — closed (p b m f v),
 * round (o u w r sh), spread (i e s), open (a, schwa and the rest) — the viseme group whose mean pose its mouth
 * blendshapes point at most nearly (cosine); agreement is the share of those frames where both classes match.
 * Curves: Pearson r of jaw, rounding, spreading and lip closure over the whole reply, averaged.
 */
export const SHAPE_CLASSES = {
  closed: ["PP", "FF"],
  round: ["oh", "ou", "CH", "RR"],
  spread: ["ih", "E", "SS"],
  open: ["aa", "schwa", "hh", "kk", "DD", "nn", "TH"],
} as const satisfies Record<string, readonly Viseme[]>;
export type ShapeClass = keyof typeof SHAPE_CLASSES;

const MOUTH = MOUTH_SHAPES.map((n) => BLENDSHAPE_INDEX[n]);
const OPEN = 0.1;
const I = BLENDSHAPE_INDEX;
const CURVES: ReadonlyArray<readonly number[]> = [
  [I.jawOpen],
  [I.mouthFunnel, I.mouthPucker],
  [I.mouthStretchLeft, I.mouthStretchRight, I.mouthSmileLeft, I.mouthSmileRight],
  [I.mouthPressLeft, I.mouthPressRight, I.mouthRollLower, I.mouthClose],
];

const PROTOTYPES: Array<[ShapeClass, number[]]> = Object.entries(SHAPE_CLASSES).map(([cls, visemes]) => {
  const mean = MOUTH.map((k) => visemes.reduce((s, v) => s + (VISEME_POSES[v].weights[k] ?? 0), 0) / visemes.length);
  return [cls as ShapeClass, mean];
});

export function shapeClass(weights: ArrayLike<number>): ShapeClass {
  const x = MOUTH.map((k) => weights[k] ?? 0);
  let best: ShapeClass = "open";
  let bestCos = -Infinity;
  for (const [cls, p] of PROTOTYPES) {
    const cos = dot(x, p) / (Math.sqrt(dot(x, x) * dot(p, p)) || 1);
    if (cos > bestCos) [best, bestCos] = [cls, cos];
  }
  return best;
}

export interface ShapeAgreement {
  /** reference frames with the mouth open */
  frames: number;
  /** share of them where the candidate's class is the reference's */
  agreement: number;
  /** mean Pearson r of the four mouth curves */
  curveR: number;
}

type Weighted = { sample: number; weights: ArrayLike<number> };

export function shapeAgreement(reference: readonly Weighted[], candidate: readonly Weighted[]): ShapeAgreement {
  const bySample = new Map(candidate.map((f) => [f.sample, f.weights]));
  const pairs = reference.flatMap((r) => {
    const c = bySample.get(r.sample);
    return c ? [[r.weights, c] as const] : [];
  });
  let frames = 0;
  let same = 0;
  for (const [r, c] of pairs) {
    if (mouth(r) <= OPEN) continue;
    frames++;
    if (shapeClass(r) === shapeClass(c)) same++;
  }
  const rs = CURVES.map((ks) => pearson(pairs.map(([r]) => sum(r, ks)), pairs.map(([, c]) => sum(c, ks))));
  return { frames, agreement: frames ? same / frames : 0, curveR: rs.reduce((s, r) => s + r, 0) / rs.length };
}

function mouth(w: ArrayLike<number>): number {
  let m = 0;
  for (const k of MOUTH) m = Math.max(m, w[k] ?? 0);
  return m;
}

function sum(w: ArrayLike<number>, ks: readonly number[]): number {
  return ks.reduce((s, k) => s + (w[k] ?? 0), 0);
}

function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] ?? 0) * (b[i] ?? 0);
  return s;
}

function pearson(a: readonly number[], b: readonly number[]): number {
  const n = a.length;
  if (n < 2) return 0;
  const ma = a.reduce((s, x) => s + x, 0) / n;
  const mb = b.reduce((s, x) => s + x, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = (a[i] ?? 0) - ma;
    const db = (b[i] ?? 0) - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}
