import { TURN_TIMING_KEYS, type ConsoleEvent, type DeletionRecord, type PoolStatus, type SystemStats, type TurnTimings, type VisitPhase } from "@mirror/protocol";

/** The console's memory of the session: phases, turn timings, deletion records. Never any visitor content. */

export const TIMING_COLUMNS = TURN_TIMING_KEYS;

export interface VisitRow {
  visitId: string;
  phase: VisitPhase;
  startedAt: string;
  updatedAt: string;
  turns: number;
  interrupted: number;
  /** clone time and voice similarity (base → clone), e.g. "320 ms · 0.31 → 0.58" */
  voice?: string;
}

export interface TurnRow {
  visitId: string;
  turnId: number;
  interrupted: boolean;
  timings: TurnTimings;
}

type Health = Extract<ConsoleEvent, { type: "health" }>["providers"];

const MAX_VISITS = 50;
const MAX_TURNS = 500;
const MAX_DELETIONS = 50;

export class ConsoleModel {
  readonly visits = new Map<string, VisitRow>();
  readonly turns = new Map<string, TurnRow>();
  deletions: DeletionRecord[] = [];
  health: Health = {};
  pools: PoolStatus[] = [];
  system: { at: string; paused: boolean; openVisits: number; stats: SystemStats } | null = null;
  booths: Extract<ConsoleEvent, { type: "booths" }>["booths"] = [];

  apply(e: ConsoleEvent): void {
    switch (e.type) {
      case "visit": {
        const v = this.visits.get(e.visitId);
        if (v) {
          v.phase = e.phase;
          v.updatedAt = e.at;
        } else this.addVisit(e.visitId, e.phase, e.at);
        break;
      }
      case "turn": {
        const key = `${e.visitId}#${e.turnId}`;
        const known = this.turns.has(key);
        this.turns.set(key, { visitId: e.visitId, turnId: e.turnId, interrupted: e.interrupted, timings: e.timings });
        trim(this.turns, MAX_TURNS);
        // a console opened mid-visit hears of the visit first through its turns
        const v = this.visits.get(e.visitId) ?? this.addVisit(e.visitId, "conversation", new Date().toISOString());
        if (!known) {
          v.turns++;
          if (e.interrupted) v.interrupted++;
        }
        break;
      }
      case "purged":
        this.deletions = [e.record, ...this.deletions].slice(0, MAX_DELETIONS);
        break;
      case "health":
        this.health = e.providers;
        break;
      case "pools":
        this.pools = e.pools;
        break;
      case "system":
        this.system = { at: e.at, paused: e.paused, openVisits: e.openVisits, stats: e.stats };
        break;
      case "voice": {
        const v = this.visits.get(e.visitId) ?? this.addVisit(e.visitId, "clone", new Date().toISOString());
        const sim = e.similarity ? ` · ${e.similarity.base.toFixed(2)} → ${e.similarity.converted.toFixed(2)}` : "";
        v.voice = `${Math.round(e.cloneMs)} ms${sim}`;
        break;
      }
      case "booths":
        this.booths = e.booths;
        break;
    }
  }

  private addVisit(visitId: string, phase: VisitPhase, at: string): VisitRow {
    const v: VisitRow = { visitId, phase, startedAt: at, updatedAt: at, turns: 0, interrupted: 0 };
    this.visits.set(visitId, v);
    trim(this.visits, MAX_VISITS);
    return v;
  }

  /** Visits not yet purged: the ones the operator can end or move on. */
  openVisits(): VisitRow[] {
    return [...this.visits.values()].filter((v) => v.phase !== "purge");
  }

  /** Values of one timing over the session's turns. */
  column(name: (typeof TIMING_COLUMNS)[number]): number[] {
    const out: number[] = [];
    for (const t of this.turns.values()) {
      const v = t.timings[name];
      if (v !== undefined) out.push(v);
    }
    return out;
  }
}

function trim<K, V>(m: Map<K, V>, max: number): void {
  for (const k of m.keys()) {
    if (m.size <= max) break;
    m.delete(k);
  }
}
