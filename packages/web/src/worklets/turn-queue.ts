import type { PlayerEventType } from "./messages.js";

/**
 * The player's buffer: reply audio per turn, played turn after turn in arrival order.
 * Pure (no worklet globals) so the logic is tested in Node; the worklet only wraps it.
 */

export interface QueueEvent {
  type: PlayerEventType;
  turnId: number;
  /** sample position within the turn */
  sample: number;
  /** frame offset within the rendered block (0 for "stopped") */
  offset: number;
}

interface Turn {
  id: number;
  chunks: Float32Array[];
  /** read offset inside chunks[0] */
  head: number;
  /** turn sample position expected for the next push */
  nextWrite: number;
  /** turn sample position of the next output sample */
  nextRead: number;
  ended: boolean;
  started: boolean;
  starvedFrames: number;
}

export class TurnQueue {
  private turns: Turn[] = [];
  private readonly dropped = new Set<number>();
  /** turns on hold: their read position does not move and silence is output in their place */
  private readonly paused = new Set<number>();
  playedSamples = 0;

  /** @param maxGap longest hole (in samples) filled with silence between pushes of one turn
   *  @param maxStarve how long (in samples) a turn may starve before a queued next turn replaces it */
  constructor(
    private readonly maxGap: number,
    private readonly maxStarve: number,
  ) {}

  push(turnId: number, sample: number, pcm: Float32Array): void {
    if (this.dropped.has(turnId)) return;
    const t = this.turn(turnId);
    if (t.ended) return;
    if (sample < t.nextWrite) {
      const overlap = t.nextWrite - sample;
      if (overlap >= pcm.length) return;
      pcm = pcm.subarray(overlap);
    } else if (sample > t.nextWrite) {
      const gap = sample - t.nextWrite;
      if (gap > this.maxGap) return;
      t.chunks.push(new Float32Array(gap));
      t.nextWrite = sample;
    }
    if (pcm.length === 0) return;
    t.chunks.push(pcm);
    t.nextWrite += pcm.length;
  }

  end(turnId: number): void {
    if (this.dropped.has(turnId)) return;
    this.turn(turnId).ended = true;
  }

  pause(turnId: number): void {
    if (!this.dropped.has(turnId)) this.paused.add(turnId);
  }

  resume(turnId: number): void {
    this.paused.delete(turnId);
  }

  /** Removes the turn; returns the "stopped" event (sample = where playback stood). */
  flush(turnId: number): QueueEvent {
    this.dropped.add(turnId);
    this.paused.delete(turnId);
    const i = this.turns.findIndex((t) => t.id === turnId);
    const t = i >= 0 ? this.turns.splice(i, 1)[0] : undefined;
    return { type: "stopped", turnId, sample: t?.nextRead ?? 0, offset: 0 };
  }

  /** Drops every turn and forgets dropped ids (turn ids may start again in the next visit). */
  reset(): QueueEvent[] {
    const stopped = this.turns.map((t) => t.id).map((id) => this.flush(id));
    this.dropped.clear();
    this.paused.clear();
    return stopped;
  }

  /** What will be output at the start of the next block: the head turn once it has started (nothing while it is paused). */
  position(): { turnId: number; sample: number } | null {
    const t = this.turns[0];
    return t?.started && !this.paused.has(t.id) ? { turnId: t.id, sample: t.nextRead } : null;
  }

  /** Fills `out` (silence where there is nothing to play) and returns what happened, with frame offsets. */
  render(out: Float32Array): QueueEvent[] {
    const events: QueueEvent[] = [];
    let i = 0;
    while (i < out.length) {
      const t = this.turns[0];
      if (!t || this.paused.has(t.id)) break;
      const chunk = t.chunks[0];
      if (chunk) {
        if (!t.started) {
          t.started = true;
          events.push({ type: "started", turnId: t.id, sample: t.nextRead, offset: i });
        }
        const n = Math.min(chunk.length - t.head, out.length - i);
        out.set(chunk.subarray(t.head, t.head + n), i);
        i += n;
        t.head += n;
        t.nextRead += n;
        t.starvedFrames = 0;
        this.playedSamples += n;
        if (t.head >= chunk.length) {
          t.chunks.shift();
          t.head = 0;
        }
        continue;
      }
      const next = this.turns[1];
      t.starvedFrames += out.length - i;
      if (t.ended || (next && next.chunks.length > 0 && t.starvedFrames > this.maxStarve)) {
        this.turns.shift();
        this.dropped.add(t.id);
        if (t.started) events.push({ type: "ended", turnId: t.id, sample: t.nextRead, offset: i });
        continue;
      }
      break; // underrun: wait for more of this turn
    }
    out.fill(0, i);
    return events;
  }

  private turn(turnId: number): Turn {
    let t = this.turns.find((x) => x.id === turnId);
    if (!t) {
      t = { id: turnId, chunks: [], head: 0, nextWrite: 0, nextRead: 0, ended: false, started: false, starvedFrames: 0 };
      this.turns.push(t);
    }
    return t;
  }
}
