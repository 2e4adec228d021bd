/**
 * Turning a shipped flite voice toward the visitor:
 * - F0 level and range: flite's clustergen F0 is z-scored, so the sample's median and spread are set directly;
 * - speaking rate: duration stretch = the voice's syllable rate / the sample's;
 * - vocal-tract length: the voice's mel-cepstra are resynthesized with another all-pass warping factor
 *   (the VTLN of mel-cepstral vocoders), chosen so the voice's LTAS, warped the same way, best fits the sample's;
 * - the rest of the long-term spectral envelope: a linear-phase EQ = sample LTAS − converted voice LTAS (audio/fir.ts).
 */
import { binHz, FFT_SIZE, ltasDistanceDb, normalizeBand } from "../../../audio/spectrum.js";
import type { VoiceFeatures } from "../../../audio/similarity.js";
import type { FliteVoiceName } from "./ffi.js";

/** How far the warping may move from the voice's own (0.42): beyond this the voice turns unnatural. */
export const MAX_ALPHA_SHIFT = 0.1;
const ALPHA_STEP = 0.01;

export interface BaseVoiceStats {
  voice: FliteVoiceName;
  ltas: Float64Array;
  /** of the calibration text at the voice's own settings: the unconverted side of the similarity score */
  features: VoiceFeatures;
  syllablesPerSecond: number | null;
  baseAlpha: number;
}

/** ω + 2·atan(a·sin ω / (1 − a·cos ω)): the all-pass frequency warping; its inverse is the same with −a. */
export function warpOmega(omega: number, a: number): number {
  return omega + 2 * Math.atan2(a * Math.sin(omega), 1 - a * Math.cos(omega));
}

/** The LTAS the voice would have if synthesized with `alpha` instead of `baseAlpha`. */
export function warpLtas(ltas: Float64Array, baseAlpha: number, alpha: number): Float64Array {
  const half = FFT_SIZE / 2;
  const out = new Float64Array(ltas.length);
  for (let k = 0; k < ltas.length; k++) {
    const src = (warpOmega(warpOmega((Math.PI * k) / half, alpha), -baseAlpha) * half) / Math.PI;
    const i = Math.min(half - 1, Math.max(0, Math.floor(src)));
    const f = Math.min(1, Math.max(0, src - i));
    out[k] = (ltas[i] as number) * (1 - f) + (ltas[i + 1] as number) * f;
  }
  return normalizeBand(out);
}

/** Removes a straight line (dB against bin) fitted over 100 Hz–7 kHz: the tilt is the EQ's job, not the warp's. */
function detilt(db: Float64Array): Float64Array {
  let n = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (let k = 0; k < db.length; k++) {
    const f = binHz(k);
    if (f < 100 || f > 7000) continue;
    const y = db[k] as number;
    n++;
    sx += k;
    sy += y;
    sxx += k * k;
    sxy += k * y;
  }
  const slope = (n * sxy - sx * sy) / (n * sxx - sx * sx || 1);
  const icept = (sy - slope * sx) / (n || 1);
  return db.map((y, k) => y - (icept + slope * k));
}

export interface AlphaFit {
  alpha: number;
  distanceDb: number;
}

export function fitAlpha(base: BaseVoiceStats, sampleLtas: Float64Array): AlphaFit {
  const target = detilt(sampleLtas);
  let best: AlphaFit = { alpha: base.baseAlpha, distanceDb: Infinity };
  for (let a = base.baseAlpha - MAX_ALPHA_SHIFT; a <= base.baseAlpha + MAX_ALPHA_SHIFT + 1e-9; a += ALPHA_STEP) {
    const d = ltasDistanceDb(detilt(warpLtas(base.ltas, base.baseAlpha, a)), target);
    // prefer the smaller move when two warps fit equally well
    if (d < best.distanceDb - 0.05 || (Math.abs(d - best.distanceDb) <= 0.05 && Math.abs(a - base.baseAlpha) < Math.abs(best.alpha - base.baseAlpha))) {
      best = { alpha: a, distanceDb: d };
    }
  }
  return best;
}

/** flite's duration stretch that moves the voice's syllable rate to the sample's. */
export function durationStretch(voiceRate: number | null, sampleRate: number | null): number {
  if (voiceRate === null || sampleRate === null || sampleRate <= 0) return 1;
  return Math.max(0.7, Math.min(1.5, voiceRate / sampleRate));
}

/** F0 spread for flite from the sample's interquartile range (normal: IQR ≈ 1.35 σ). */
export function f0Stddev(iqrHz: number | null): number | null {
  return iqrHz === null ? null : Math.max(5, Math.min(60, iqrHz / 1.35));
}
