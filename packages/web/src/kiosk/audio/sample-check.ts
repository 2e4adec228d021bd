import type { SampleProblem } from "@mirror/protocol";

/** Local checks of the voice sample, before the server (which has the last word) sees it. Pure functions. */

export const SAMPLE_LIMITS = {
  /** stop recording once this much speech was heard, followed by `stopSilenceMs` of silence */
  autoStopSpeechMs: 5000,
  stopSilenceMs: 800,
  maxMs: 10_000,
  minSpeechMs: 3000,
  quietDbfs: -42,
  clippedRatio: 0.002,
} as const;

export type LocalProblem = Extract<SampleProblem, "too-short" | "too-quiet" | "clipped" | "no-speech">;

export interface SampleAnalysis {
  durationMs: number;
  speechMs: number;
  /** RMS of the speech frames */
  rmsDbfs: number;
  peakDbfs: number;
  clippedRatio: number;
  problems: LocalProblem[];
}

export function dbfs(linear: number): number {
  return linear > 0 ? 20 * Math.log10(linear) : -120;
}

/** Per-frame speech/silence decision against a slowly rising noise floor. */
export class SpeechGate {
  private floor = -70;

  isSpeech(frameDbfs: number): boolean {
    if (frameDbfs < this.floor) this.floor = frameDbfs;
    else this.floor += 0.02;
    return frameDbfs > Math.max(-50, this.floor + 12);
  }
}

const FRAME_MS = 20;

export function analyzeSample(pcm: Int16Array, sampleRate: number): SampleAnalysis {
  const frame = Math.round((sampleRate * FRAME_MS) / 1000);
  const gate = new SpeechGate();
  let speechFrames = 0;
  let speechSq = 0;
  let speechSamples = 0;
  let peak = 0;
  let clipped = 0;
  for (let start = 0; start < pcm.length; start += frame) {
    const end = Math.min(pcm.length, start + frame);
    let sq = 0;
    for (let i = start; i < end; i++) {
      const s = (pcm[i] ?? 0) / 32768;
      sq += s * s;
      const a = Math.abs(s);
      if (a > peak) peak = a;
      if (a >= 0.999) clipped++;
    }
    if (gate.isSpeech(dbfs(Math.sqrt(sq / (end - start))))) {
      speechFrames++;
      speechSq += sq;
      speechSamples += end - start;
    }
  }
  const speechMs = speechFrames * FRAME_MS;
  const rmsDbfs = speechSamples > 0 ? dbfs(Math.sqrt(speechSq / speechSamples)) : -120;
  const clippedRatio = pcm.length > 0 ? clipped / pcm.length : 0;
  const problems: LocalProblem[] = [];
  // quiet speech also loses frames to the gate: then "quiet" is the cause to tell, not "short"
  if (speechMs < 300) problems.push("no-speech");
  else if (rmsDbfs < SAMPLE_LIMITS.quietDbfs) problems.push("too-quiet");
  else if (speechMs < SAMPLE_LIMITS.minSpeechMs) problems.push("too-short");
  if (clippedRatio > SAMPLE_LIMITS.clippedRatio) problems.push("clipped");
  return { durationMs: (pcm.length / sampleRate) * 1000, speechMs, rmsDbfs, peakDbfs: dbfs(peak), clippedRatio, problems };
}

/** Cuts leading and trailing silence, keeping `marginMs` around the speech. */
export function trimSilence(pcm: Int16Array, sampleRate: number, marginMs = 250): Int16Array {
  const frame = Math.round((sampleRate * FRAME_MS) / 1000);
  const gate = new SpeechGate();
  let first = -1;
  let last = -1;
  for (let start = 0; start < pcm.length; start += frame) {
    const end = Math.min(pcm.length, start + frame);
    let sq = 0;
    for (let i = start; i < end; i++) sq += ((pcm[i] ?? 0) / 32768) ** 2;
    if (gate.isSpeech(dbfs(Math.sqrt(sq / (end - start))))) {
      if (first < 0) first = start;
      last = end;
    }
  }
  if (first < 0) return pcm;
  const margin = Math.round((sampleRate * marginMs) / 1000);
  return pcm.slice(Math.max(0, first - margin), Math.min(pcm.length, last + margin));
}
