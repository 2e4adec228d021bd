import type { Language } from "@mirror/protocol";

export type StageKind = "vad" | "stt" | "llm" | "tts" | "lipsync" | "sink";

/** What every provider says about itself. */
export interface StageInfo {
  /** e.g. "stt/pocketsphinx" */
  readonly id: string;
  readonly stage: StageKind;
  /** languages it handles; "any" when it does not care (VAD, lip-sync from audio) */
  readonly languages: readonly Language[] | "any";
  /** true when it runs on this machine with no network */
  readonly local: boolean;
}

export interface Health {
  ok: boolean;
  detail: string;
}

/** Optional lifecycle every provider may implement. */
export interface Lifecycle {
  /** Load models / open connections once, before the first visit (keeps the first turn fast). */
  warmup?(): Promise<void>;
  health?(): Promise<Health>;
  close?(): Promise<void>;
}
