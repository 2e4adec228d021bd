import { TURN_TIMING_KEYS, type TurnTimings } from "@mirror/protocol";
import type { Clock } from "./clock.js";

/**
 * Moments of a turn, in clock ms: one per reported timing (same names), plus `speechEnd`, the reference every
 * latency is measured from, `bargeInStart`, the visitor's onset that `bargeInStop` is measured from, and
 * `bargeInCommit`, when a paused reply's interrupt went through (observers learn `interrupted` from it).
 */
export const TURN_MARKS = ["speechEnd", ...TURN_TIMING_KEYS, "bargeInStart", "bargeInCommit"] as const;
export type TurnMark = (typeof TURN_MARKS)[number];

export type TurnListener = (turn: Turn, mark: TurnMark, at: number) => void;

/**
 * One reply of the double. Owns the AbortController that every stage and sink of this turn receives:
 * aborting it (barge-in, visit end) stops generation, audio and lips together.
 */
export class Turn {
  readonly controller = new AbortController();
  readonly marks = new Map<TurnMark, number>();
  interrupted = false;
  userText = "";
  replyText = "";

  constructor(
    readonly id: number,
    private readonly clock: Clock,
    private readonly onMark?: TurnListener,
  ) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Records a mark once (the first time wins); returns the time recorded. */
  mark(name: TurnMark, at = this.clock.now()): number {
    const had = this.marks.get(name);
    if (had !== undefined) return had;
    this.marks.set(name, at);
    this.onMark?.(this, name, at);
    return at;
  }

  abort(reason: string): void {
    if (!this.controller.signal.aborted) this.controller.abort(reason);
  }

  /** Latencies in ms from the end of the visitor's speech (or from the turn's start for the greeting). */
  timings(): TurnTimings {
    const ref = this.marks.get("speechEnd") ?? this.marks.get("endOfTurn");
    const out: TurnTimings = {};
    if (ref === undefined) return out;
    for (const key of TURN_TIMING_KEYS) {
      if (key === "bargeInStop") continue; // measured from the visitor's onset, below
      const t = this.marks.get(key);
      if (t !== undefined) out[key] = round1(t - ref);
    }
    const bStart = this.marks.get("bargeInStart");
    const bStop = this.marks.get("bargeInStop");
    if (bStart !== undefined && bStop !== undefined) out.bargeInStop = round1(bStop - bStart);
    return out;
  }
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
