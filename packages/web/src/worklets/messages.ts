/** Messages between the kiosk's main thread and its two AudioWorklets (types only). */

export const CAPTURE_PROCESSOR = "mirror-capture";
export const PLAYER_PROCESSOR = "mirror-player";

export interface CaptureOptions {
  outRate: number;
  frameSamples: number;
}

/** capture worklet → main: one frame of int16 mono at `outRate`, with its RMS and peak (0..1 full scale) */
export interface CaptureFrame {
  type: "frame";
  pcm: Int16Array;
  rms: number;
  peak: number;
}

export type PlayerCommand =
  | { type: "push"; turnId: number; sample: number; pcm: Float32Array }
  /** no more audio will come for this turn: it ends once what was pushed has played */
  | { type: "end"; turnId: number }
  /** drop everything of this turn now, and anything that still arrives for it */
  | { type: "flush"; turnId: number }
  /** output silence and hold this turn's read position (its audio clock stops) until "resume" */
  | { type: "pause"; turnId: number }
  | { type: "resume"; turnId: number }
  /** drop every turn (end of a visit) */
  | { type: "reset" };

export type PlayerEventType = "started" | "ended" | "stopped";

export type PlayerReport =
  /** `time`: context time when `sample` of `turnId` was rendered (turnId null: silence) */
  | { type: "pos"; turnId: number | null; sample: number; time: number; playedSamples: number }
  /** `time`: context time of the event's sample (for "stopped": of the flush) */
  | { type: PlayerEventType; turnId: number; sample: number; time: number };
