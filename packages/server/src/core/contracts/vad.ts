import type { Lifecycle, StageInfo } from "./common.js";

/** Speech onset/offset, positioned in samples of the 16 kHz mic stream the session has seen. */
export type VadEvent =
  | { type: "speech-start"; sample: number }
  /** `sample` is the end of the last voiced frame, not the moment the hangover ran out */
  | { type: "speech-end"; sample: number };

export interface VadPushContext {
  /** the double is audible right now: the echo guard asks for more evidence before calling it speech */
  doubleSpeaking: boolean;
}

export interface VadSession {
  /** One 16 kHz int16 frame (any length; 20 ms from the kiosk). Returns what changed with this frame. */
  push(frame: Int16Array, ctx?: VadPushContext): VadEvent[];
  readonly speaking: boolean;
  /** samples seen so far */
  readonly position: number;
  reset(): void;
}

export interface VadCapabilities {
  readonly sampleRate: 16000;
}

export interface VadOptions {
  /** silence (ms) after speech before speech-end is declared */
  hangoverMs?: number;
  /** speech (ms) needed before speech-start is declared */
  minSpeechMs?: number;
}

export interface Vad extends Lifecycle {
  readonly info: StageInfo;
  readonly capabilities: VadCapabilities;
  open(opts?: VadOptions): VadSession;
}
