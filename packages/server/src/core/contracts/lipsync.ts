import type { Language } from "@mirror/protocol";
import type { Lifecycle, StageInfo } from "./common.js";
import type { PhonemeAlphabet } from "./tts.js";

/** Everything lip-sync gets, positioned in samples of the turn's output audio (OUTPUT_SAMPLE_RATE). */
export type LipsyncInput =
  | { type: "audio"; pcm: Float32Array; sample: number }
  | { type: "phoneme"; phoneme: string; alphabet: PhonemeAlphabet; startSample: number; endSample: number }
  | { type: "word"; text: string; startSample: number; endSample: number }
  | { type: "end" };

/** One face pose: 52 ARKit weights (ARKIT_52 order) for the output sample it belongs to. */
export interface LipFrame {
  sample: number;
  weights: Float32Array;
  /** what speech adds to head and eyes (HEAD_ROTATIONS order, radians), when the lip-sync makes them */
  rotations?: Float32Array;
}

export interface LipsyncSession {
  push(input: LipsyncInput): void;
  /** Frames in sample order; ends after "end" was pushed and everything is out, or on abort. */
  readonly frames: AsyncIterable<LipFrame>;
}

export interface LipsyncOptions {
  turnId: number;
  sampleRate: number;
  fps: number;
  language: Language;
  signal: AbortSignal;
}

export interface LipsyncCapabilities {
  /** uses phoneme timings when given; works from audio alone otherwise */
  readonly usesTimings: boolean;
  readonly fps: number;
}

export interface Lipsync extends Lifecycle {
  readonly info: StageInfo;
  readonly capabilities: LipsyncCapabilities;
  open(opts: LipsyncOptions): LipsyncSession;
}
