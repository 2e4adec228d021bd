import { OUTPUT_SAMPLE_RATE, MOUTH_SHAPES, BLENDSHAPE_INDEX } from "@mirror/protocol";
import type { Clock } from "../core/clock.js";

export interface PlayedTurn {
  turnId: number;
  chunks: Array<{ sample: number; pcm: Int16Array }>;
  frames: Array<{ sample: number; w: number[] }>;
  totalSamples: number | null;
  startedAt: number | null;
  endedAt: number | null;
  stoppedAt: number | null;
  /** samples actually played (all of them, or up to the interrupt) */
  playedSamples: number;
  interrupted: boolean;
  firstLipMotionAt: number | null;
  /** times the speaker ran dry mid-reply (audio arrived later than it had to play), and for how long in total */
  underruns: number;
  underrunMs: number;
  /** barge-in pauses (a backchannel resumes them), and how long the turn stood still in total */
  pauses: number;
  pausedMs: number;
}

export type PlaybackReport = (turnId: number, event: "started" | "ended" | "stopped" | "first-lip-motion", agoMs: number, sample: number) => void;

const MOUTH_IDX = MOUTH_SHAPES.map((n) => BLENDSHAPE_INDEX[n]);

/** Like any audio output, the speaker starts once it holds a little audio (100 ms), so a busy moment is no gap. */
const PREBUFFER_SAMPLES = OUTPUT_SAMPLE_RATE / 10;

export function mouthActivity(w: readonly number[]): number {
  let m = 0;
  for (const i of MOUTH_IDX) m = Math.max(m, w[i] ?? 0);
  return m;
}

/**
 * Stands in for the kiosk's speaker in a headless replay: plays each turn's audio at `speed`× real time on the
 * given clock, and reports started / first-lip-motion / ended / stopped exactly like the browser does.
 */
export class SimulatedPlayer {
  readonly turns = new Map<number, PlayedTurn>();
  private current: PlayedTurn | null = null;
  private timer: NodeJS.Timeout | null = null;
  private listeners: Array<() => void> = [];
  private readonly starved = new Set<number>();
  /** paused turns, by when the pause began: their position does not move */
  private readonly paused = new Map<number, number>();

  constructor(
    private readonly clock: Clock,
    private readonly speed: number,
    private readonly report: PlaybackReport,
  ) {}

  private turn(id: number): PlayedTurn {
    let t = this.turns.get(id);
    if (!t) {
      t = { turnId: id, chunks: [], frames: [], totalSamples: null, startedAt: null, endedAt: null, stoppedAt: null, playedSamples: 0, interrupted: false, firstLipMotionAt: null, underruns: 0, underrunMs: 0, pauses: 0, pausedMs: 0 };
      this.turns.set(id, t);
    }
    return t;
  }

  audio(turnId: number, sample: number, pcm: Int16Array): void {
    const t = this.turn(turnId);
    if (t.interrupted) return;
    t.chunks.push({ sample, pcm });
    this.maybeStart(t);
  }

  private maybeStart(t: PlayedTurn): void {
    const buffered = t.chunks.reduce((m, c) => Math.max(m, c.sample + c.pcm.length), 0);
    const ready = buffered >= PREBUFFER_SAMPLES || (t.totalSamples !== null && buffered > 0);
    if (ready && (!this.current || this.current.endedAt !== null || this.current.interrupted)) {
      this.current = t;
      if (t.startedAt === null) {
        t.startedAt = this.clock.now();
        this.report(t.turnId, "started", 0, 0);
      }
    }
    this.ensureTicking();
  }

  frames(turnId: number, frames: Array<{ sample: number; w: number[] }>): void {
    const t = this.turn(turnId);
    if (!t.interrupted) t.frames.push(...frames);
  }

  end(turnId: number, totalSamples: number): void {
    const t = this.turn(turnId);
    t.totalSamples = totalSamples;
    if (!t.interrupted) this.maybeStart(t);
  }

  interrupt(turnId: number): void {
    const t = this.turn(turnId);
    if (t.interrupted) return;
    this.tick();
    this.paused.delete(turnId);
    t.interrupted = true;
    t.stoppedAt = this.clock.now();
    if (t.startedAt !== null && t.endedAt === null) this.report(turnId, "stopped", 0, t.playedSamples);
    this.notify();
  }

  /** Holds the turn where it is (silence, no position moves) until resume or interrupt, like the kiosk's worklet. */
  pause(turnId: number): void {
    const t = this.turn(turnId);
    if (t.interrupted || t.endedAt !== null || this.paused.has(turnId)) return;
    this.tick();
    this.paused.set(turnId, this.clock.now());
    t.pauses++;
  }

  /** Goes on from where the pause held: the rest of the turn shifts later by the pause. */
  resume(turnId: number): void {
    const since = this.paused.get(turnId);
    if (since === undefined) return;
    this.paused.delete(turnId);
    const t = this.turn(turnId);
    const heldMs = this.clock.now() - since;
    t.pausedMs += heldMs;
    if (t.startedAt !== null) t.startedAt += heldMs;
    this.tick();
    this.notify();
  }

  /** Resolves when `pred` holds, checked whenever playback state changes. */
  until(pred: () => boolean, timeoutMs: number): Promise<boolean> {
    if (pred()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.listeners = this.listeners.filter((l) => l !== check);
        resolve(false);
      }, timeoutMs);
      const check = () => {
        if (!pred()) return;
        clearTimeout(timer);
        this.listeners = this.listeners.filter((l) => l !== check);
        resolve(true);
      };
      this.listeners.push(check);
    });
  }

  notify(): void {
    for (const l of [...this.listeners]) l();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private ensureTicking(): void {
    this.timer ??= setInterval(() => this.tick(), 5);
  }

  private tick(): void {
    const t = this.current;
    if (!t || t.startedAt === null || t.interrupted || t.endedAt !== null || this.paused.has(t.turnId)) return;
    const received = t.chunks.reduce((m, c) => Math.max(m, c.sample + c.pcm.length), 0);
    const byTime = ((this.clock.now() - t.startedAt) * this.speed * OUTPUT_SAMPLE_RATE) / 1000;
    if (byTime > received && (t.totalSamples === null || received < t.totalSamples)) {
      // starved: a real player stalls here and goes on when audio comes, so the rest of the reply shifts later
      const stallMs = ((byTime - received) * 1000) / (this.speed * OUTPUT_SAMPLE_RATE);
      if (!this.starved.has(t.turnId)) t.underruns++;
      this.starved.add(t.turnId);
      t.underrunMs += stallMs;
      t.startedAt += stallMs;
    } else this.starved.delete(t.turnId);
    t.playedSamples = Math.floor(Math.min(received, byTime));
    if (t.firstLipMotionAt === null && t.frames.some((f) => f.sample <= t.playedSamples && mouthActivity(f.w) > 0.05)) {
      t.firstLipMotionAt = this.clock.now();
      this.report(t.turnId, "first-lip-motion", 0, t.playedSamples);
    }
    if (t.totalSamples !== null && t.playedSamples >= t.totalSamples) {
      t.endedAt = this.clock.now();
      this.report(t.turnId, "ended", 0, t.totalSamples);
    }
    this.notify();
  }
}
