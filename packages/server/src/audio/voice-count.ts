/**
 * Are two people speaking at once? A single voice's F0 wanders within a fraction of an octave around one
 * centre; when a second voice overlaps, the frame-by-frame pitch (the deepest YIN dip) hops between the two
 * speakers, so the log-F0 values split into two well-separated groups. We split them at the Otsu threshold
 * and call it two voices when both groups are sizeable, far apart and tight. This catches a man and a woman
 * (or two voices ≥ ~0.6 octave apart) talking over each other; two similar voices are not told apart.
 */
import { resampleSinc } from "./resample.js";

export interface VoiceCountAnalysis {
  /** voiced frames analysed */
  voicedFrames: number;
  /** share of voiced frames in the smaller pitch group */
  minorityShare: number;
  /** distance between the two pitch groups' centres, in octaves */
  separationOctaves: number;
  /** between-group variance / total variance of log F0 (1 = two perfectly tight groups) */
  separability: number;
}

export interface VoiceCountOptions {
  minMinorityShare: number;
  minSeparationOctaves: number;
  minSeparability: number;
}

export const DEFAULT_VOICE_COUNT: VoiceCountOptions = { minMinorityShare: 0.08, minSeparationOctaves: 0.6, minSeparability: 0.75 };

const RATE = 8000;
const HOP_S = 0.01;
const MIN_F0 = 70;
const MAX_F0 = 400;
/** cumulative-mean-normalised difference below this = a periodic frame */
const VOICED_DIP = 0.3;
const SILENCE_RANGE_DB = 30;
const MIN_VOICED_FRAMES = 50;

export function looksLikeTwoVoices(a: VoiceCountAnalysis, opts: Partial<VoiceCountOptions> = {}): boolean {
  const o = { ...DEFAULT_VOICE_COUNT, ...opts };
  return (
    a.voicedFrames >= MIN_VOICED_FRAMES &&
    a.minorityShare >= o.minMinorityShare &&
    a.separationOctaves >= o.minSeparationOctaves &&
    a.separability >= o.minSeparability
  );
}

export function analyzeVoiceCount(pcm: Float32Array, sampleRate: number): VoiceCountAnalysis {
  const x = sampleRate > RATE ? resampleSinc(pcm, sampleRate, RATE) : pcm;
  const sr = Math.min(sampleRate, RATE);
  const hop = Math.round(HOP_S * sr);
  const maxLag = Math.ceil(sr / MIN_F0);
  const minLag = Math.floor(sr / MAX_F0);
  const win = 2 * maxLag;
  const frames = Math.max(0, Math.floor((x.length - win - maxLag) / hop) + 1);
  const db = new Float64Array(frames);
  let maxDb = -120;
  for (let f = 0; f < frames; f++) {
    let s = 0;
    for (let i = f * hop; i < f * hop + win; i++) s += (x[i] ?? 0) ** 2;
    db[f] = 10 * Math.log10(s / win + 1e-12);
    maxDb = Math.max(maxDb, db[f] ?? -120);
  }
  const d = new Float64Array(maxLag + 1);
  const logF0: number[] = [];
  for (let f = 0; f < frames; f++) {
    if ((db[f] ?? -120) < maxDb - SILENCE_RANGE_DB) continue;
    cmnd(x, f * hop, win, maxLag, d);
    let best = -1;
    for (let l = Math.max(2, minLag); l < maxLag; l++) {
      const v = d[l] ?? 1;
      if (v < (d[l - 1] ?? 1) && v <= (d[l + 1] ?? 1) && (best < 0 || v < (d[best] ?? 1))) best = l;
    }
    if (best > 0 && (d[best] ?? 1) < VOICED_DIP) logF0.push(Math.log2(sr / best));
  }
  return { voicedFrames: logF0.length, ...twoGroups(median5(logF0)) };
}

/** a single voice's pitch-tracking slips (an octave off for a frame or two) are shorter than a speaker's turn */
function median5(v: number[]): number[] {
  return v.map((_, i) => {
    const w = v.slice(Math.max(0, i - 2), i + 3).sort((a, b) => a - b);
    return w[Math.floor(w.length / 2)] ?? 0;
  });
}

/** Otsu split of 1-D values: the threshold that maximises between-group variance. */
function twoGroups(values: number[]): Omit<VoiceCountAnalysis, "voicedFrames"> {
  const v = [...values].sort((a, b) => a - b);
  const n = v.length;
  if (n < 2) return { minorityShare: 0, separationOctaves: 0, separability: 0 };
  const total = v.reduce((s, x) => s + x, 0);
  const mean = total / n;
  const variance = v.reduce((s, x) => s + (x - mean) ** 2, 0) / n;
  let best = { between: -1, k: 1, m0: 0, m1: 0 };
  let left = 0;
  for (let k = 1; k < n; k++) {
    left += v[k - 1] ?? 0;
    const m0 = left / k;
    const m1 = (total - left) / (n - k);
    const between = (k / n) * ((n - k) / n) * (m1 - m0) ** 2;
    if (between > best.between) best = { between, k, m0, m1 };
  }
  return {
    minorityShare: Math.min(best.k, n - best.k) / n,
    separationOctaves: best.m1 - best.m0,
    separability: variance > 0 ? best.between / variance : 0,
  };
}

function cmnd(x: Float32Array, start: number, win: number, maxLag: number, d: Float64Array): void {
  d[0] = 1;
  let running = 0;
  for (let lag = 1; lag <= maxLag; lag++) {
    let s = 0;
    for (let i = start; i < start + win; i++) {
      const e = (x[i] ?? 0) - (x[i + lag] ?? 0);
      s += e * e;
    }
    running += s;
    d[lag] = running > 0 ? (s * lag) / running : 1;
  }
}
