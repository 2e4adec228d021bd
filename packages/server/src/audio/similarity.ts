/**
 * How close a synthetic voice is to the visitor's sample, without a speaker-embedding model (none ships):
 * - timbre: distance of the MFCC distributions (c1..c12: per-coefficient mean difference over the pooled
 *   spread, plus the spread ratio), a diagonal-Gaussian speaker model;
 * - spectral envelope: RMS dB difference of the cepstrally smoothed LTAS (100 Hz–7 kHz);
 * - pitch: median F0 difference in semitones and F0 range (IQR in semitones) ratio.
 * Each distance maps to a similarity in (0, 1] by exp(−d / scale); the score is their geometric mean.
 * A relative measure: it ranks voices against one sample; 1.0 means identical statistics, not the same person.
 * The conversion sets F0 and fits the LTAS directly, so those parts are partly optimized by construction;
 * compare on text other than the sample's (the probe sentence) and read the parts, not only the total.
 */
import { analyzeVoice } from "./analysis.js";
import type { VoiceAnalysis } from "./analysis.js";
import { resampleSinc } from "./resample.js";
import { ltasDistanceDb, mfccFrames, MFCC_COUNT, smoothedLtasDb, SPECTRUM_RATE } from "./spectrum.js";

export interface VoiceFeatures {
  mfccMean: Float64Array;
  mfccStd: Float64Array;
  ltas: Float64Array | null;
  medianF0Hz: number | null;
  f0IqrSemitones: number | null;
}

export interface SimilarityParts {
  timbre: number;
  envelope: number;
  pitch: number;
}

export interface VoiceSimilarity extends SimilarityParts {
  /** geometric mean of the parts, 0..1 */
  score: number;
  distances: { mfcc: number; ltasDb: number; f0Semitones: number; rangeRatioLog2: number };
}

const SCALE = { mfcc: 1.0, ltasDb: 6, f0Semitones: 4, range: 1 };

/** `analysis`: analyzeVoice of the same audio, when the caller has it already (it is the costly part) */
export function voiceFeatures(pcm: Float32Array, sampleRate: number, analysis?: VoiceAnalysis): VoiceFeatures {
  const x = sampleRate === SPECTRUM_RATE ? pcm : resampleSinc(pcm, sampleRate, SPECTRUM_RATE);
  const frames = mfccFrames(x);
  const mean = new Float64Array(MFCC_COUNT);
  const std = new Float64Array(MFCC_COUNT);
  for (const f of frames) for (let q = 0; q < MFCC_COUNT; q++) mean[q] = (mean[q] as number) + (f[q] as number) / frames.length;
  for (const f of frames) for (let q = 0; q < MFCC_COUNT; q++) std[q] = (std[q] as number) + ((f[q] as number) - (mean[q] as number)) ** 2 / frames.length;
  for (let q = 0; q < MFCC_COUNT; q++) std[q] = Math.sqrt(std[q] as number);
  const a = analysis ?? analyzeVoice(x, SPECTRUM_RATE);
  const iqr =
    a.medianF0Hz !== null && a.f0IqrHz !== null && a.f0IqrHz < 2 * a.medianF0Hz
      ? 12 * Math.log2((a.medianF0Hz + a.f0IqrHz / 2) / (a.medianF0Hz - a.f0IqrHz / 2))
      : null;
  return { mfccMean: mean, mfccStd: std, ltas: smoothedLtasDb(x), medianF0Hz: a.medianF0Hz, f0IqrSemitones: iqr };
}

export function compareVoices(sample: VoiceFeatures, voice: VoiceFeatures): VoiceSimilarity {
  let m = 0;
  // c0 is loudness, not voice
  for (let q = 1; q < MFCC_COUNT; q++) {
    const pooled = Math.sqrt(((sample.mfccStd[q] as number) ** 2 + (voice.mfccStd[q] as number) ** 2) / 2) || 1;
    const dMean = ((sample.mfccMean[q] as number) - (voice.mfccMean[q] as number)) / pooled;
    const dSpread = Math.log((voice.mfccStd[q] as number) / (sample.mfccStd[q] as number) || 1);
    m += dMean ** 2 + dSpread ** 2;
  }
  const mfcc = Math.sqrt(m / (MFCC_COUNT - 1));
  const ltasDb = sample.ltas && voice.ltas ? ltasDistanceDb(sample.ltas, voice.ltas) : 3 * SCALE.ltasDb;
  const f0Semitones = sample.medianF0Hz !== null && voice.medianF0Hz !== null ? Math.abs(12 * Math.log2(voice.medianF0Hz / sample.medianF0Hz)) : 3 * SCALE.f0Semitones;
  const rangeRatioLog2 = sample.f0IqrSemitones && voice.f0IqrSemitones ? Math.abs(Math.log2(voice.f0IqrSemitones / sample.f0IqrSemitones)) : SCALE.range;
  const timbre = Math.exp(-mfcc / SCALE.mfcc);
  const envelope = Math.exp(-ltasDb / SCALE.ltasDb);
  const pitch = Math.exp(-(f0Semitones / SCALE.f0Semitones + rangeRatioLog2 / SCALE.range) / 2);
  const score = Math.cbrt(timbre * envelope * pitch);
  return { score, timbre, envelope, pitch, distances: { mfcc, ltasDb, f0Semitones, rangeRatioLog2 } };
}

/** Similarity of `voice` audio to `sample` audio. */
export function voiceSimilarity(sample: Float32Array, sampleRate: number, voice: Float32Array, voiceRate: number): VoiceSimilarity {
  return compareVoices(voiceFeatures(sample, sampleRate), voiceFeatures(voice, voiceRate));
}
