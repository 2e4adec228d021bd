/** What the Live Link sink (main thread) and its sender thread say to each other. Times are wall-clock ms. */
export interface SenderConfig {
  host: string;
  port: number;
  subject: string;
  deviceId: string;
  fps: number;
  sampleRate: number;
  audioOffsetMs: number;
  rate: number;
  /** SCHED_FIFO priority of the sender thread (0: never real-time) */
  realtimePriority: number;
}

export type ToSender =
  | { type: "turn-start"; turnId: number }
  | { type: "audio"; turnId: number; at: number }
  | { type: "frames"; turnId: number; frames: Array<{ sample: number; weights: Float32Array; rotations?: Float32Array | undefined }> }
  | { type: "turn-end"; turnId: number; totalSamples: number }
  | { type: "interrupt"; turnId: number; at: number }
  | { type: "pause"; turnId: number; at: number }
  | { type: "resume"; turnId: number; at: number }
  | { type: "playback"; turnId: number; at: number }
  | { type: "stats"; id: number }
  | { type: "close" };

export interface LiveLinkTurnStats {
  turnId: number;
  /** first packet carrying this reply's face, ms after its first audio reached the sink */
  firstFrameAfterAudioMs: number | null;
  framesSent: number;
  /** wall ms at which the sender took the turn's sample 0 to be heard (its playback anchor + audio offset) */
  sample0HeardAt: number | null;
  /** interrupted turns: ms from the interrupt to the first neutral packet */
  interruptToNeutralMs: number | null;
}

export interface LiveLinkStats {
  target: string;
  packetsSent: number;
  /** the sender thread's scheduling: real-time (SCHED_FIFO), a raised nice value, or normal */
  threadPriority: "realtime" | "nice" | "normal";
  /** how late packets left against their due time, p95 (ms) */
  latenessP95Ms: number;
  sendErrors: number;
  /** |interval between packets − 1/fps|, ms */
  jitterP50Ms: number;
  jitterP95Ms: number;
  jitterMaxMs: number;
  turns: LiveLinkTurnStats[];
}

export type FromSender = { type: "ready" } | { type: "stats"; id: number; stats: LiveLinkStats } | { type: "error"; message: string } | { type: "closed" };

export const wallMs = (): number => performance.timeOrigin + performance.now();
