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
