import { EXPERIENCE } from "./experience.js";
import type { ExperienceScript, PhaseId, PhaseSpec } from "./experience.js";

export interface PhaseWindow {
  readonly phase: PhaseSpec;
  readonly startMs: number;
  readonly endMs: number;
}

/** The phases laid out on the visit's clock, back to back from 0. */
export function phaseWindows(script: ExperienceScript = EXPERIENCE): PhaseWindow[] {
  let startMs = 0;
  return script.phases.map((phase) => {
    const window = { phase, startMs, endMs: startMs + phase.budgetMs };
    startMs = window.endMs;
    return window;
  });
}

/**
 * The phase of the reply to the visitor's `turnIndex`-th turn (0 is the greeting, before the visitor
 * said anything). The clock moves through the phases; a phase's `minTurns` holds the next one back for
 * a visitor who speaks in long turns; the farewell starts on time whatever happened, so the visit never
 * runs past the hard cap.
 */
export function phaseAt(elapsedMs: number, turnIndex: number, script: ExperienceScript = EXPERIENCE): PhaseId {
  const windows = phaseWindows(script);
  const first = windows[0];
  const last = windows[windows.length - 1];
  if (!first || !last) throw new Error("the script has no phases");
  if (turnIndex <= 0) return first.phase.id;
  if (windows.length <= 2 || elapsedMs >= last.startMs) return last.phase.id;

  // Only the phases between the greeting and the farewell follow the visitor's turns.
  let byClock = windows.findIndex((w) => elapsedMs < w.endMs);
  if (byClock < 1) byClock = 1;

  let byTurns = 1;
  let turnsBefore = 0;
  for (let i = 1; i < windows.length - 1; i++) {
    if (turnIndex - 1 < turnsBefore) break;
    byTurns = i;
    turnsBefore += windows[i]?.phase.minTurns ?? 0;
  }

  const chosen = windows[Math.min(byClock, byTurns, windows.length - 2)];
  return (chosen ?? last).phase.id;
}

export function phaseSpec(id: PhaseId, script: ExperienceScript = EXPERIENCE): PhaseSpec {
  const spec = script.phases.find((p) => p.id === id);
  if (!spec) throw new Error(`the script has no phase "${id}"`);
  return spec;
}
