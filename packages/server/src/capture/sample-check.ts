import type { SampleProblem, SampleStats } from "@mirror/protocol";
import { MIC_SAMPLE_RATE } from "@mirror/protocol";
import { analyzeVoice } from "../audio/analysis.js";
import { int16ToFloat32, toDbfs } from "../audio/pcm.js";
import { analyzeVoiceCount, looksLikeTwoVoices } from "../audio/voice-count.js";
import type { Vad } from "../core/contracts/vad.js";

export interface SampleCheckOptions {
  minSpeechMs: number;
  maxDurationMs: number;
  minRmsDbfs: number;
  maxClippedRatio: number;
  minSnrDb: number;
  /** reject samples where a second speaker talks over the visitor (cloning would mix both voices) */
  checkSingleVoice: boolean;
  /**
   * Audio at the wrong sample rate (48 kHz read as 16 kHz) sounds three times slower and lower: a voice below
   * this pitch that also speaks slower than `minSyllablesPerSecond` is not a voice at the rate we expect.
   */
  minF0Hz: number;
  minSyllablesPerSecond: number;
}

export const DEFAULT_SAMPLE_CHECK: SampleCheckOptions = {
  minSpeechMs: 4000,
  maxDurationMs: 20_000,
  minRmsDbfs: -42,
  maxClippedRatio: 0.005,
  minSnrDb: 10,
  checkSingleVoice: true,
  minF0Hz: 70,
  minSyllablesPerSecond: 2.2,
};

export interface SampleCheckResult {
  ok: boolean;
  problems: SampleProblem[];
  stats: SampleStats;
  /** the speech part, trimmed and loudness-normalized (only when ok) */
  cleaned: Float32Array | null;
}

const MESSAGES: Record<SampleProblem, string> = {
  "no-speech": "We could not hear you. Please read the sentence aloud, close to the screen.",
  "too-short": "That was a little short. Please read the whole sentence once more.",
  "too-long": "That recording is too long. Please read just the sentence.",
  "too-quiet": "That was very quiet. Please speak a bit louder or come a little closer.",
  clipped: "That was too loud and distorted. Please step back a little and try again.",
  noisy: "It is noisy around you. Please come closer to the microphone and try again.",
  "two-voices": "We heard more than one voice. Please read the sentence on your own, while the others stay quiet.",
  "odd-speed": "Something went wrong with that recording. Please read the sentence once more.",
};

export function sampleMessage(problems: readonly SampleProblem[]): string {
  const first = problems[0];
  return first ? MESSAGES[first] : "Thank you, that sounds good.";
}

/** Checks a 16 kHz voice sample the way a patient booth attendant would, and cleans it for cloning. */
export function checkVoiceSample(pcm16: Int16Array, vad: Vad, opts: Partial<SampleCheckOptions> = {}): SampleCheckResult {
  const o = { ...DEFAULT_SAMPLE_CHECK, ...opts };
  const durationMs = (pcm16.length * 1000) / MIC_SAMPLE_RATE;
  if (durationMs > o.maxDurationMs) {
    return { ok: false, problems: ["too-long"], stats: emptySampleStats(durationMs), cleaned: null };
  }
  const pcm = int16ToFloat32(pcm16);
  const segments = speechSegments(pcm16, vad);
  const speechMs = segments.reduce((s, [a, b]) => s + ((b - a) * 1000) / MIC_SAMPLE_RATE, 0);

  const frame = 320;
  const levels: number[] = [];
  for (let i = 0; i + frame <= pcm.length; i += frame) {
    let sum = 0;
    for (let j = i; j < i + frame; j++) sum += (pcm[j] ?? 0) ** 2;
    levels.push(Math.sqrt(sum / frame));
  }
  const sorted = [...levels].sort((a, b) => a - b);
  const noise = sorted[Math.floor(sorted.length * 0.1)] ?? 0;
  const speechLevel = sorted[Math.floor(sorted.length * 0.9)] ?? 0;
  let peak = 0;
  let clipped = 0;
  let sumSq = 0;
  let speechSamples = 0;
  for (const [a, b] of segments) {
    for (let i = a; i < b; i++) {
      const v = Math.abs(pcm[i] ?? 0);
      peak = Math.max(peak, v);
      if (v >= 0.985) clipped++;
      sumSq += v * v;
      speechSamples++;
    }
  }
  const rmsDbfs = toDbfs(speechSamples ? Math.sqrt(sumSq / speechSamples) : 0);
  const voice = speechSamples > MIC_SAMPLE_RATE ? analyzeVoice(pcm, MIC_SAMPLE_RATE) : null;
  const stats: SampleStats = {
    durationMs: round(durationMs),
    speechMs: round(speechMs),
    rmsDbfs: round(rmsDbfs),
    peakDbfs: round(toDbfs(peak)),
    clippedRatio: speechSamples ? clipped / speechSamples : 0,
    snrDb: round(toDbfs(speechLevel) - toDbfs(noise)),
    medianF0Hz: voice?.medianF0Hz ?? null,
    syllablesPerSecond: voice?.syllablesPerSecond ?? null,
  };

  const problems: SampleProblem[] = [];
  if (segments.length === 0) problems.push("no-speech");
  else {
    if (stats.clippedRatio > o.maxClippedRatio) problems.push("clipped");
    if (rmsDbfs < o.minRmsDbfs) problems.push("too-quiet");
    if (stats.snrDb < o.minSnrDb) problems.push("noisy");
    if (speechMs < o.minSpeechMs) problems.push("too-short");
    if (problems.length === 0 && voice && voice.medianF0Hz !== null && voice.medianF0Hz < o.minF0Hz && (voice.syllablesPerSecond ?? 0) < o.minSyllablesPerSecond) {
      problems.push("odd-speed");
    }
    if (o.checkSingleVoice && problems.length === 0 && looksLikeTwoVoices(analyzeVoiceCount(pcm, MIC_SAMPLE_RATE))) {
      problems.push("two-voices");
    }
  }
  const ok = problems.length === 0;
  return { ok, problems, stats, cleaned: ok ? trimAndNormalize(pcm, segments) : null };
}

function speechSegments(pcm16: Int16Array, vad: Vad): Array<[number, number]> {
  const session = vad.open({ hangoverMs: 300, minSpeechMs: 60 });
  const segments: Array<[number, number]> = [];
  let start: number | null = null;
  for (let i = 0; i < pcm16.length; i += 320) {
    for (const ev of session.push(pcm16.subarray(i, i + 320))) {
      if (ev.type === "speech-start") start = ev.sample;
      else if (start !== null) {
        segments.push([start, ev.sample]);
        start = null;
      }
    }
  }
  if (start !== null) segments.push([start, pcm16.length]);
  return segments;
}

/** Keeps from just before the first word to just after the last, at about -20 dBFS RMS without clipping. */
function trimAndNormalize(pcm: Float32Array, segments: Array<[number, number]>): Float32Array {
  const first = segments[0];
  const last = segments[segments.length - 1];
  if (!first || !last) return pcm.slice();
  const a = Math.max(0, first[0] - 1600);
  const b = Math.min(pcm.length, last[1] + 3200);
  const out = pcm.slice(a, b);
  let sum = 0;
  let peak = 0;
  for (const v of out) {
    sum += v * v;
    peak = Math.max(peak, Math.abs(v));
  }
  const rmsNow = Math.sqrt(sum / Math.max(1, out.length));
  const gain = Math.min(rmsNow > 0 ? 0.1 / rmsNow : 1, peak > 0 ? 0.95 / peak : 1);
  for (let i = 0; i < out.length; i++) out[i] = (out[i] ?? 0) * gain;
  return out;
}

export function emptySampleStats(durationMs: number): SampleStats {
  return { durationMs: round(durationMs), speechMs: 0, rmsDbfs: -120, peakDbfs: -120, clippedRatio: 0, snrDb: 0, medianF0Hz: null, syllablesPerSecond: null };
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}
