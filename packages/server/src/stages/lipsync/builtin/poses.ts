/**
 * Each viseme as ARKit weights, plus how strongly it holds its shape against its neighbours
 * (dominance, after Cohen & Massaro 1993) and how early it starts / how long it lingers.
 */
import { ARKIT_52, BLENDSHAPE_INDEX } from "@mirror/protocol";
import type { BlendshapeName } from "@mirror/protocol";
import type { Viseme } from "./visemes.js";

type Shape = Partial<Record<BlendshapeName, number>>;

export interface VisemePose {
  weights: Float32Array;
  /** how strongly this viseme wins over its neighbours (relative; lip closures > vowels > h) */
  dominance: number;
  /** how far ahead of its start it already pulls the mouth (s) */
  anticipation: number;
  /** how long after its end it still pulls (s) */
  carry: number;
  /** the lips meet (bilabials): mouthClose must then cancel whatever jaw opening coarticulation leaves */
  sealsLips: boolean;
}

/** symmetric shorthand: "mouthSmile" sets mouthSmileLeft and mouthSmileRight */
type PairName = "mouthSmile" | "mouthStretch" | "mouthPress" | "mouthLowerDown" | "mouthUpperUp" | "mouthFrown" | "mouthDimple";
type ShapeSpec = Partial<Record<BlendshapeName | PairName, number>>;

function shape(spec: ShapeSpec): Shape {
  const out: Shape = {};
  for (const [k, v] of Object.entries(spec)) {
    if (k in BLENDSHAPE_INDEX) out[k as BlendshapeName] = v;
    else {
      out[`${k}Left` as BlendshapeName] = v;
      out[`${k}Right` as BlendshapeName] = v;
    }
  }
  return out;
}

const SHAPES: Record<Viseme, { shape: Shape; dominance: number; anticipation: number; carry: number }> = {
  sil: { shape: shape({}), dominance: 0.5, anticipation: 0.03, carry: 0.03 },
  // lips sealed: mouthClose cancels the little jaw opening so the lips stay together
  PP: { shape: shape({ jawOpen: 0.05, mouthClose: 0.05, mouthPress: 0.55, mouthRollLower: 0.22, mouthRollUpper: 0.12 }), dominance: 2.5, anticipation: 0.035, carry: 0.02 },
  FF: { shape: shape({ jawOpen: 0.1, mouthRollLower: 0.6, mouthUpperUp: 0.22, mouthPress: 0.1 }), dominance: 1.8, anticipation: 0.035, carry: 0.02 },
  TH: { shape: shape({ jawOpen: 0.16, tongueOut: 0.35, mouthUpperUp: 0.08, mouthStretch: 0.1 }), dominance: 0.6, anticipation: 0.04, carry: 0.03 },
  DD: { shape: shape({ jawOpen: 0.16, mouthStretch: 0.15, mouthUpperUp: 0.1, mouthLowerDown: 0.1 }), dominance: 0.35, anticipation: 0.035, carry: 0.03 },
  kk: { shape: shape({ jawOpen: 0.22, mouthStretch: 0.12, mouthLowerDown: 0.1 }), dominance: 0.3, anticipation: 0.035, carry: 0.03 },
  CH: { shape: shape({ jawOpen: 0.12, mouthFunnel: 0.45, mouthPucker: 0.2, mouthUpperUp: 0.25, mouthLowerDown: 0.2 }), dominance: 1, anticipation: 0.05, carry: 0.03 },
  SS: { shape: shape({ jawOpen: 0.06, mouthStretch: 0.3, mouthSmile: 0.15, mouthUpperUp: 0.15, mouthLowerDown: 0.15 }), dominance: 0.6, anticipation: 0.04, carry: 0.03 },
  nn: { shape: shape({ jawOpen: 0.18, mouthStretch: 0.1, mouthLowerDown: 0.08 }), dominance: 0.3, anticipation: 0.035, carry: 0.03 },
  RR: { shape: shape({ jawOpen: 0.16, mouthFunnel: 0.3, mouthPucker: 0.22, mouthUpperUp: 0.08 }), dominance: 0.6, anticipation: 0.05, carry: 0.04 },
  aa: { shape: shape({ jawOpen: 0.7, mouthLowerDown: 0.3, mouthUpperUp: 0.1, mouthStretch: 0.1 }), dominance: 0.7, anticipation: 0.04, carry: 0.04 },
  E: { shape: shape({ jawOpen: 0.42, mouthStretch: 0.3, mouthSmile: 0.15, mouthLowerDown: 0.25, mouthUpperUp: 0.1 }), dominance: 0.6, anticipation: 0.04, carry: 0.04 },
  ih: { shape: shape({ jawOpen: 0.24, mouthStretch: 0.4, mouthSmile: 0.35, mouthUpperUp: 0.15, mouthLowerDown: 0.1 }), dominance: 0.6, anticipation: 0.04, carry: 0.04 },
  // lip rounding spreads far into the neighbours (anticipatory rounding)
  oh: { shape: shape({ jawOpen: 0.5, mouthFunnel: 0.5, mouthPucker: 0.2, mouthLowerDown: 0.1 }), dominance: 0.75, anticipation: 0.08, carry: 0.05 },
  ou: { shape: shape({ jawOpen: 0.2, mouthPucker: 0.7, mouthFunnel: 0.35 }), dominance: 0.85, anticipation: 0.09, carry: 0.05 },
  schwa: { shape: shape({ jawOpen: 0.3, mouthLowerDown: 0.12, mouthStretch: 0.08 }), dominance: 0.35, anticipation: 0.03, carry: 0.03 },
  hh: { shape: shape({ jawOpen: 0.28, mouthLowerDown: 0.1 }), dominance: 0.08, anticipation: 0.02, carry: 0.02 },
};

function vector(s: Shape): Float32Array {
  const w = new Float32Array(ARKIT_52.length);
  for (const [k, v] of Object.entries(s)) w[BLENDSHAPE_INDEX[k as BlendshapeName]] = v;
  return w;
}

export const VISEME_POSES: Readonly<Record<Viseme, VisemePose>> = Object.fromEntries(
  Object.entries(SHAPES).map(([v, d]) => [v, { weights: vector(d.shape), dominance: d.dominance, anticipation: d.anticipation, carry: d.carry, sealsLips: v === "PP" }]),
) as Record<Viseme, VisemePose>;

/** Blendshapes that follow the jaw (scaled together with loudness, so closures stay closed). */
export const JAW_FOLLOWERS: readonly number[] = (["jawOpen", "mouthClose", "mouthLowerDownLeft", "mouthLowerDownRight"] as const).map((n) => BLENDSHAPE_INDEX[n]);

/** Blendshapes that must reach their target fast (lip closures), smoothed with shorter time constants. */
export const FAST_SHAPES: ReadonlySet<number> = new Set(
  (["mouthClose", "mouthPressLeft", "mouthPressRight", "mouthRollLower", "mouthRollUpper"] as const).map((n) => BLENDSHAPE_INDEX[n]),
);

export function pairIndices(name: PairName): [number, number] {
  return [BLENDSHAPE_INDEX[`${name}Left` as BlendshapeName], BLENDSHAPE_INDEX[`${name}Right` as BlendshapeName]];
}
