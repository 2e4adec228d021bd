import { TURN_TIMING_KEYS, type ConsoleEvent, type TurnTimings } from "@mirror/protocol";
import type { VisitObserver } from "./observer.js";
import { ReceiptBook } from "./receipts.js";

export interface TurnRecord {
  visitId: string;
  turnId: number;
  interrupted: boolean;
  timings: TurnTimings;
}

export interface Percentiles {
  n: number;
  p50: number;
  p95: number;
  max: number;
}

export function percentiles(values: readonly number[]): Percentiles | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? 0;
  return { n: s.length, p50: at(0.5), p95: at(0.95), max: s[s.length - 1] ?? 0 };
}

/**
 * Per-turn timings (never content) for the console, the logs and the benchmark. Keeps the last `keep` turns.
 */
export class MetricsObserver implements VisitObserver {
  readonly turns: TurnRecord[] = [];
  readonly cloneMs: number[] = [];
  /** deletion records by receipt code, for the console's receipt check */
  readonly receipts = new ReceiptBook();
  private readonly subscribers = new Set<(ev: ConsoleEvent) => void>();

  constructor(private readonly opts: { keep?: number; log?: (line: string) => void } = {}) {}

  subscribe(fn: (ev: ConsoleEvent) => void): () => void {
    this.subscribers.add(fn);
    return () => this.subscribers.delete(fn);
  }

  private publish(ev: ConsoleEvent): void {
    for (const s of this.subscribers) s(ev);
  }

  onPhase: NonNullable<VisitObserver["onPhase"]> = (visit, phase) => {
    this.opts.log?.(`visit ${visit.id.slice(0, 8)} phase ${phase}`);
    this.publish({ type: "visit", visitId: visit.id, phase, at: new Date().toISOString() });
  };

  onCloned: NonNullable<VisitObserver["onCloned"]> = (visit, ms, similarity) => {
    this.cloneMs.push(ms);
    const sim = similarity ? `, voice similarity ${similarity.base.toFixed(2)} → ${similarity.converted.toFixed(2)}` : "";
    this.opts.log?.(`visit ${visit.id.slice(0, 8)} cloned in ${ms.toFixed(0)} ms${sim}`);
    this.publish({ type: "voice", visitId: visit.id, cloneMs: Math.round(ms), similarity: similarity ? { base: similarity.base, converted: similarity.converted } : null });
  };

  onTurnDone: NonNullable<VisitObserver["onTurnDone"]> = (visit, turn) => {
    const rec: TurnRecord = { visitId: visit.id, turnId: turn.id, interrupted: turn.interrupted, timings: turn.timings() };
    this.turns.push(rec);
    const keep = this.opts.keep ?? 1000;
    if (this.turns.length > keep) this.turns.splice(0, this.turns.length - keep);
    this.opts.log?.(`visit ${visit.id.slice(0, 8)} turn ${turn.id}${turn.interrupted ? " (interrupted)" : ""} ${JSON.stringify(rec.timings)}`);
    this.publish({ type: "turn", visitId: visit.id, turnId: turn.id, interrupted: turn.interrupted, timings: rec.timings });
  };

  /**
   * Generation usually finishes long before playback does, so the browser's marks and a barge-in during playback
   * arrive after the turn is done: update its record and republish.
   */
  onMark: NonNullable<VisitObserver["onMark"]> = (visit, turn, mark) => {
    if (mark !== "playbackStart" && mark !== "firstLipMotion" && mark !== "bargeInStop" && mark !== "bargeInCommit") return;
    const rec = this.turns.find((r) => r.visitId === visit.id && r.turnId === turn.id);
    if (!rec) return;
    rec.timings = turn.timings();
    rec.interrupted = turn.interrupted;
    this.publish({ type: "turn", visitId: visit.id, turnId: turn.id, interrupted: turn.interrupted, timings: rec.timings });
  };

  onPurged: NonNullable<VisitObserver["onPurged"]> = (record) => {
    this.opts.log?.(`visit ${record.visitId.slice(0, 8)} purged: ${record.items.length} items, verified=${record.verified}`);
    this.receipts.add(record);
    this.publish({ type: "purged", record });
  };

  summary(): Record<keyof TurnTimings, Percentiles | null> {
    const out = {} as Record<keyof TurnTimings, Percentiles | null>;
    for (const k of TURN_TIMING_KEYS) out[k] = percentiles(this.turns.map((t) => t.timings[k]).filter((x): x is number => x !== undefined));
    return out;
  }
}
