import type { LipFrame } from "./lipsync.js";
import type { Lifecycle, StageInfo } from "./common.js";

/** What the pipeline sends out of a turn. Control events (interrupt) must overtake queued data in every sink. */
export type OutputEvent =
  | { type: "turn-start"; turnId: number; sampleRate: number; fps: number }
  | { type: "text"; turnId: number; text: string }
  /** output audio at OUTPUT_SAMPLE_RATE; `sample` is the position of pcm[0] in the turn */
  | { type: "audio"; turnId: number; pcm: Float32Array; sample: number }
  | { type: "frames"; turnId: number; frames: readonly LipFrame[] }
  | { type: "turn-end"; turnId: number; totalSamples: number }
  | { type: "interrupt"; turnId: number }
  /** visitor speech over the double: silent now, the turn's place kept (a control event, like interrupt) */
  | { type: "pause"; turnId: number }
  /** the pause was a backchannel: go on from where it held */
  | { type: "resume"; turnId: number };

export interface Sink extends Lifecycle {
  readonly info: StageInfo;
  /** Never blocks the pipeline: a sink queues what it cannot send now, and drops a turn's queue on interrupt. */
  write(event: OutputEvent): void;
}
