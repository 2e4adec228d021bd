import type { VisitPhase } from "@mirror/protocol";
import type { Screen } from "./view.js";

/** What the kiosk counts; counters run from page load (across visits), `visitId` is the current visit. */
export class KioskStats {
  phase: VisitPhase = "attract";
  screen: Screen = "attract";
  serverPhase: VisitPhase | null = null;
  visitId: string | null = null;
  connected = false;
  turnsStarted = 0;
  turnsPlayed = 0;
  turnsInterrupted = 0;
  lipMotionFrames = 0;
  maxJawOpen = 0;
  lastError: string | null = null;
}

export interface LiveStats {
  fps(): number;
  playedSamples(): number;
}

/**
 * `window.__mirror`: a read-only view for tests and the operator (getters, frozen). Spreading or JSON.stringify
 * of it gives a snapshot.
 */
export function exposeStats(stats: KioskStats, live: LiveStats): void {
  const view: Record<string, unknown> = {};
  for (const key of Object.keys(stats) as (keyof KioskStats)[]) {
    Object.defineProperty(view, key, { enumerable: true, get: () => stats[key] });
  }
  Object.defineProperty(view, "fps", { enumerable: true, get: () => Math.round(live.fps() * 10) / 10 });
  Object.defineProperty(view, "playedSamples", { enumerable: true, get: () => live.playedSamples() });
  Object.defineProperty(window, "__mirror", { value: Object.freeze(view), enumerable: false, writable: false });
}

export interface MirrorStatsSource {
  state(): string;
  fps(): number;
  lastAvOffsetMs(): number | null;
  avOffsetsMs(): readonly number[];
  pipelineOffsetsMs(): readonly number[];
  frameMs(): number;
  faceMessage(): string;
  detector(): { backend: string; loadMs: number } | null;
}

/**
 * `window.mirrorStats`: the page's live state for operators, autopilot demos and tests:
 * `{ state, fps, lastAvOffsetMs }`, plus the A/V offsets of recent turns, the main-thread ms per frame, the face
 * check's message and the detector's backend. Read-only getters; nothing of the visitor.
 */
export function exposeMirrorStats(src: MirrorStatsSource): void {
  const view = {};
  const add = (key: string, get: () => unknown) => Object.defineProperty(view, key, { enumerable: true, get });
  add("state", () => src.state());
  add("fps", () => Math.round(src.fps() * 10) / 10);
  add("lastAvOffsetMs", () => src.lastAvOffsetMs());
  add("avOffsetsMs", () => [...src.avOffsetsMs()]);
  add("pipelineOffsetsMs", () => [...src.pipelineOffsetsMs()]);
  add("frameMs", () => Math.round(src.frameMs() * 100) / 100);
  add("faceMessage", () => src.faceMessage());
  add("detector", () => src.detector());
  Object.defineProperty(window, "mirrorStats", { value: Object.freeze(view), enumerable: false, writable: false });
}
