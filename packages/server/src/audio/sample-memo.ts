/**
 * The visitor's sample is measured by every member of a TTS chain when it clones (the same buffer, at the
 * same time): its analysis, features and LTAS are computed once per buffer and rate. Weakly held, so they go
 * when the sample does.
 */
import { analyzeVoice } from "./analysis.js";
import type { VoiceAnalysis } from "./analysis.js";
import { voiceFeatures } from "./similarity.js";
import type { VoiceFeatures } from "./similarity.js";

/** only measures derived from the sample, never a copy of its audio (it is wiped in place when the visit is purged) */
interface Measured {
  analysis?: VoiceAnalysis;
  features?: VoiceFeatures;
}

const memo = new WeakMap<Float32Array, Map<number, Measured>>();

function entry(pcm: Float32Array, sampleRate: number): Measured {
  let byRate = memo.get(pcm);
  if (!byRate) memo.set(pcm, (byRate = new Map()));
  let m = byRate.get(sampleRate);
  if (!m) byRate.set(sampleRate, (m = {}));
  return m;
}

export function sampleAnalysis(pcm: Float32Array, sampleRate: number): VoiceAnalysis {
  const m = entry(pcm, sampleRate);
  return (m.analysis ??= analyzeVoice(pcm, sampleRate));
}

export function sampleFeatures(pcm: Float32Array, sampleRate: number): VoiceFeatures {
  const m = entry(pcm, sampleRate);
  return (m.features ??= voiceFeatures(pcm, sampleRate, sampleAnalysis(pcm, sampleRate)));
}

/** Cepstrally smoothed LTAS (16 kHz bins); null when the sample holds no speech. */
export function sampleLtas(pcm: Float32Array, sampleRate: number): Float64Array | null {
  return sampleFeatures(pcm, sampleRate).ltas;
}
