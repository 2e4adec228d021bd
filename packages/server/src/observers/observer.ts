import type { DeletionRecord, VisitPhase } from "@mirror/protocol";
import type { CloneSimilarityScore } from "../core/contracts/tts.js";
import type { ReplyResult } from "../core/pipeline.js";
import type { Turn, TurnMark } from "../core/turn.js";
import type { Visit } from "../core/visit.js";

/** Watches visits from outside: no stage knows about observers. Never receives visitor content it should keep. */
export interface VisitObserver {
  onPhase?(visit: Visit, phase: VisitPhase): void;
  onMark?(visit: Visit, turn: Turn, mark: TurnMark, at: number): void;
  onTurnDone?(visit: Visit, turn: Turn, result: ReplyResult): void;
  onPurged?(record: DeletionRecord): void;
  /** `similarity`: how close base voice and clone are to the sample (scores only), when the provider measured it */
  onCloned?(visit: Visit, cloneMs: number, similarity?: CloneSimilarityScore | null): void;
}

export function fanOut(observers: readonly VisitObserver[]): Required<VisitObserver> {
  return {
    onPhase: (v, p) => observers.forEach((o) => o.onPhase?.(v, p)),
    onMark: (v, t, m, a) => observers.forEach((o) => o.onMark?.(v, t, m, a)),
    onTurnDone: (v, t, r) => observers.forEach((o) => o.onTurnDone?.(v, t, r)),
    onPurged: (r) => observers.forEach((o) => o.onPurged?.(r)),
    onCloned: (v, ms, sim) => observers.forEach((o) => o.onCloned?.(v, ms, sim)),
  };
}
