/**
 * Matching espeak to a visitor by measurement: how a voice variant's median F0 follows espeak's pitch
 * setting and its syllable rate follows the words-per-minute setting is measured once per variant
 * (with the same analyzeVoice that measured the visitor, so its biases cancel), then inverted.
 */
import type { Language } from "@mirror/protocol";
import { analyzeVoice } from "../../../audio/analysis.js";
import type { VoiceAnalysis } from "../../../audio/analysis.js";
import type { EspeakEngine, SpeakSettings } from "./engine.js";

export const CALIBRATION_TEXT: Readonly<Record<Language, string>> = {
  en: "The quick brown fox jumps over the lazy dog, and then it runs far away into the green forest.",
  nl: "De snelle bruine vos springt over de luie hond, en rent daarna ver weg het groene bos in.",
};

export const DEFAULT_PITCH = 50;
export const DEFAULT_RATE = 175;
export const DEFAULT_RANGE = 50;
const PITCH_POINTS = [10, 50, 90];
const RATE_POINTS = [120, 175, 240];
export const RATE_LIMITS = [80, 450] as const;

interface Point {
  x: number;
  y: number;
}

export interface VariantCalibration {
  voice: string;
  /** espeak pitch → ln(median F0) */
  pitch: Point[];
  /** espeak rate (wpm) → syllables per second */
  rate: Point[];
  /** F0 interquartile range in semitones at the default pitch range */
  iqrSemitones: number | null;
}

export interface MatchTarget {
  medianF0Hz: number | null;
  f0IqrHz: number | null;
  syllablesPerSecond: number | null;
}

export interface MatchResult {
  settings: SpeakSettings;
  achieved: { medianF0Hz: number | null; syllablesPerSecond: number | null };
  /** the calibration text as spoken with `settings`, and its analysis (so the clone need not speak it again) */
  spoken: { pcm: Float32Array; analysis: VoiceAnalysis };
}

export async function measure(engine: EspeakEngine, text: string, settings: SpeakSettings, signal: AbortSignal): Promise<VoiceAnalysis> {
  return (await measured(engine, text, settings, signal)).analysis;
}

async function measured(engine: EspeakEngine, text: string, settings: SpeakSettings, signal: AbortSignal): Promise<MatchResult["spoken"]> {
  const pcm = await engine.render(text, settings, signal);
  return { pcm, analysis: analyzeVoice(pcm, engine.sampleRate) };
}

export async function calibrateVariant(engine: EspeakEngine, voice: string, language: Language, signal: AbortSignal): Promise<VariantCalibration> {
  const text = CALIBRATION_TEXT[language];
  const pitch: Point[] = [];
  let iqrSemitones: number | null = null;
  for (const p of PITCH_POINTS) {
    const a = await measure(engine, text, { voice, pitch: p, rate: DEFAULT_RATE, range: DEFAULT_RANGE }, signal);
    if (a.medianF0Hz !== null) pitch.push({ x: p, y: Math.log(a.medianF0Hz) });
    if (p === DEFAULT_PITCH) iqrSemitones = semitoneIqr(a.medianF0Hz, a.f0IqrHz);
  }
  const rate: Point[] = [];
  for (const r of RATE_POINTS) {
    const a = await measure(engine, text, { voice, pitch: DEFAULT_PITCH, rate: r, range: DEFAULT_RANGE }, signal);
    if (a.syllablesPerSecond !== null) rate.push({ x: r, y: a.syllablesPerSecond });
  }
  if (pitch.length < 2 || rate.length < 2) throw new Error(`calibration of ${voice} measured too little speech`);
  return { voice, pitch, rate, iqrSemitones };
}

/** The settings that should reproduce `target` with this variant, checked by synthesis and corrected once. */
export async function matchVoice(
  engine: EspeakEngine,
  cal: VariantCalibration,
  target: MatchTarget,
  language: Language,
  signal: AbortSignal,
): Promise<MatchResult> {
  const text = CALIBRATION_TEXT[language];
  const settings: SpeakSettings = {
    voice: cal.voice,
    pitch: target.medianF0Hz !== null ? clamp(invert(cal.pitch, Math.log(target.medianF0Hz)), 0, 100) : DEFAULT_PITCH,
    rate: target.syllablesPerSecond !== null ? clamp(invert(cal.rate, target.syllablesPerSecond), ...RATE_LIMITS) : DEFAULT_RATE,
    range: rangeFor(cal, target),
  };
  let spoken = await measured(engine, text, settings, signal);
  let got = spoken.analysis;
  // One secant step with the calibration's local slope takes out most of what the piecewise fit missed.
  const pitchOff = target.medianF0Hz !== null && got.medianF0Hz !== null ? Math.log(target.medianF0Hz / got.medianF0Hz) : 0;
  const rateOff = target.syllablesPerSecond !== null && got.syllablesPerSecond !== null ? target.syllablesPerSecond - got.syllablesPerSecond : 0;
  const corrected = { ...settings };
  if (Math.abs(pitchOff) > Math.log(1.02)) corrected.pitch = clamp(settings.pitch + pitchOff / slopeAt(cal.pitch, settings.pitch), 0, 100);
  if (target.syllablesPerSecond !== null && Math.abs(rateOff) > 0.04 * target.syllablesPerSecond) {
    corrected.rate = clamp(settings.rate + rateOff / slopeAt(cal.rate, settings.rate), ...RATE_LIMITS);
  }
  if (corrected.pitch !== settings.pitch || corrected.rate !== settings.rate) {
    const again = await measured(engine, text, corrected, signal);
    if (score(again.analysis, target) <= score(got, target)) {
      spoken = again;
      got = again.analysis;
      Object.assign(settings, corrected);
    }
  }
  return { settings, achieved: { medianF0Hz: got.medianF0Hz, syllablesPerSecond: got.syllablesPerSecond }, spoken };
}

/** Relative error summed over what both sides measured. */
function score(a: VoiceAnalysis, t: MatchTarget): number {
  let s = 0;
  if (t.medianF0Hz !== null) s += a.medianF0Hz === null ? 1 : Math.abs(Math.log(a.medianF0Hz / t.medianF0Hz));
  if (t.syllablesPerSecond !== null) s += a.syllablesPerSecond === null ? 1 : Math.abs(a.syllablesPerSecond / t.syllablesPerSecond - 1);
  return s;
}

function rangeFor(cal: VariantCalibration, target: MatchTarget): number {
  const want = semitoneIqr(target.medianF0Hz, target.f0IqrHz);
  if (want === null || cal.iqrSemitones === null || cal.iqrSemitones <= 0) return DEFAULT_RANGE;
  return clamp((DEFAULT_RANGE * want) / cal.iqrSemitones, 10, 100);
}

function semitoneIqr(median: number | null, iqr: number | null): number | null {
  if (median === null || iqr === null || iqr >= 2 * median) return null;
  return 12 * Math.log2((median + iqr / 2) / (median - iqr / 2));
}

/** x for which the piecewise-linear curve through `pts` (sorted by x) reaches y; extrapolates at the ends. */
export function invert(pts: readonly Point[], y: number): number {
  const sorted = [...pts].sort((a, b) => a.y - b.y);
  for (let i = 0; i < sorted.length - 1; i++) {
    const a = sorted[i];
    const b = sorted[i + 1];
    if (!a || !b) break;
    const last = i === sorted.length - 2;
    if ((y <= b.y || last) && (y >= a.y || i === 0)) return b.y === a.y ? a.x : a.x + ((y - a.y) * (b.x - a.x)) / (b.y - a.y);
  }
  return sorted[0]?.x ?? 0;
}

function slopeAt(pts: readonly Point[], x: number): number {
  const sorted = [...pts].sort((a, b) => a.x - b.x);
  let a = sorted[0];
  let b = sorted[1];
  for (let i = 1; i < sorted.length - 1 && (sorted[i]?.x ?? 0) < x; i++) {
    a = sorted[i];
    b = sorted[i + 1];
  }
  if (!a || !b || b.x === a.x) return 1;
  const s = (b.y - a.y) / (b.x - a.x);
  return Math.abs(s) < 1e-6 ? 1e-6 : s;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, Math.round(v)));
}
