import { MIC_SAMPLE_RATE, OUTPUT_SAMPLE_RATE } from "@mirror/protocol";
import { StreamResampler } from "../audio/pcm.js";
import type { StageInfo } from "./contracts/common.js";
import type { OutputEvent, Sink } from "./contracts/sink.js";
import type { EchoGuard } from "./echo-guard.js";

interface TurnAudio {
  resampler: StreamResampler;
  /** audio at the mic rate, by its offset in the turn, until the player says when the turn started */
  pending: Array<{ offset: number; pcm: Float32Array }>;
  written: number;
  micStart: number | null;
  /** mic samples the turn spent paused: later audio is heard that much later */
  shift: number;
  /** paused at this mic sample: the reference after it waits here until the resume */
  pausedAt: number | null;
  held: Array<{ start: number; pcm: Float32Array }>;
}

/**
 * A sink beside the real ones: it keeps what the double says, at the mic's rate, and hands it to the echo guard
 * at the mic sample where the player reported it started, so the guard knows what the mic can hear and when.
 */
export class EchoReference implements Sink {
  readonly info: StageInfo = { id: "sink/echo-reference", stage: "sink", languages: "any", local: true };
  private readonly turns = new Map<number, TurnAudio>();

  constructor(private readonly guard: EchoGuard) {}

  write(ev: OutputEvent): void {
    if (ev.type === "turn-start") {
      this.turns.set(ev.turnId, { resampler: new StreamResampler(OUTPUT_SAMPLE_RATE, MIC_SAMPLE_RATE), pending: [], written: 0, micStart: null, shift: 0, pausedAt: null, held: [] });
      return;
    }
    if (ev.type !== "audio") return;
    const t = this.turns.get(ev.turnId);
    if (!t) return;
    const pcm = t.resampler.push(ev.pcm);
    if (t.micStart === null) t.pending.push({ offset: t.written, pcm });
    else if (t.pausedAt !== null) t.held.push({ start: t.micStart + t.shift + t.written, pcm });
    else this.guard.addReference(pcm, t.micStart + t.shift + t.written);
    t.written += pcm.length;
  }

  /** The player began the turn at mic sample `micSample`. */
  started(turnId: number, micSample: number): void {
    const t = this.turns.get(turnId);
    if (!t || t.micStart !== null) return;
    t.micStart = micSample;
    for (const p of t.pending) this.guard.addReference(p.pcm, micSample + p.offset);
    t.pending = [];
  }

  /** The player fell silent at mic sample `micSample`, keeping its place. */
  paused(turnId: number, micSample: number): void {
    const t = this.turns.get(turnId);
    if (!t || t.micStart === null || t.pausedAt !== null) return;
    t.pausedAt = micSample;
    t.held = this.guard.takeReference(micSample);
  }

  /** The player went on at mic sample `micSample` from where it paused. */
  resumed(turnId: number, micSample: number): void {
    const t = this.turns.get(turnId);
    if (!t || t.pausedAt === null) return;
    const by = Math.max(0, micSample - t.pausedAt);
    for (const c of t.held) this.guard.addReference(c.pcm, c.start + by);
    t.shift += by;
    t.pausedAt = null;
    t.held = [];
  }

  /** The turn was cut at mic sample `micSample`: nothing of it is heard after that. */
  stopped(turnId: number, micSample: number): void {
    if (this.turns.get(turnId)?.micStart !== null) this.guard.stopReference(micSample);
    this.turns.delete(turnId);
  }

  /** A finished turn keeps its reference (it may still be playing); only the bookkeeping goes. */
  forget(turnId: number): void {
    this.turns.delete(turnId);
  }
}
