import type { Language } from "@mirror/protocol";
import type { Lifecycle, StageInfo } from "./common.js";

/** How phoneme labels are spelled, so lip-sync knows how to read them. */
export type PhonemeAlphabet = "espeak" | "arpabet" | "ipa";

/** The visitor's voice sample, as captured and cleaned (mono float32). */
export interface VoiceSample {
  pcm: Float32Array;
  sampleRate: number;
  /** what the visitor said in the sample (read sentence or STT transcript) */
  transcript: string;
  language: Language;
}

/** A provider's handle on a cloned voice. Holds biometric data: owned by the Visit, purged with it. */
export interface VoiceProfile {
  readonly id: string;
  readonly provider: string;
  readonly language: Language;
  /** measured from the sample */
  readonly medianF0Hz: number | null;
  readonly syllablesPerSecond: number | null;
  /** provider-specific state (reference audio, embeddings, parameters) */
  readonly state: Record<string, unknown>;
  /** how close the base voice and the clone sound to the sample (0..1, audio/similarity.ts), when measured */
  readonly similarity?: CloneSimilarityScore;
}

export interface CloneSimilarityScore {
  base: number;
  converted: number;
}

/** A short backchannel in the visitor's cloned voice, synthesized ahead of time. */
export interface Filler {
  text: string;
  pcm: Float32Array;
  sampleRate: number;
  /** seconds from the filler's start, as the TTS reported them */
  phonemes: ReadonlyArray<{ phoneme: string; alphabet: PhonemeAlphabet; start: number; end: number }>;
}

/** What the reply pipeline needs: a filler to cover a slow brain, and how long to wait before using it. */
export interface FillerSource {
  readonly delayMs: number;
  next(): Filler | undefined;
}

export type TtsEvent =
  | { type: "audio"; pcm: Float32Array; sampleRate: number }
  /** times in seconds from the start of this synthesis */
  | { type: "phoneme"; phoneme: string; alphabet: PhonemeAlphabet; start: number; end: number }
  | { type: "word"; text: string; start: number; end: number };

export interface TtsRequest {
  text: string;
  voice: VoiceProfile;
  signal: AbortSignal;
}

export interface TtsCapabilities {
  /** yields audio before the whole sentence is synthesized */
  readonly streaming: boolean;
  readonly timings: "phoneme" | "word" | "none";
  readonly sampleRate: number;
}

export interface Tts extends Lifecycle {
  readonly info: StageInfo;
  readonly capabilities: TtsCapabilities;
  /** Make a voice from the visitor's sample (zero-shot: no training). */
  cloneVoice(sample: VoiceSample, signal: AbortSignal): Promise<VoiceProfile>;
  /** Forget whatever the provider holds for this voice (server-side caches, uploaded references). */
  forgetVoice(voice: VoiceProfile): Promise<void>;
  synthesize(req: TtsRequest): AsyncIterable<TtsEvent>;
}
