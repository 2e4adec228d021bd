/**
 * Which face the Live Link stream shows at a given moment. Frames are stamped with output sample positions;
 * the audio clock of a turn is anchored where its playback starts (the kiosk's report when there is one,
 * else the arrival of its first audio), shifted by the configured audio offset and scaled by the playback rate.
 * Before that, after the turn, and after an interrupt, the face is neutral (still blinking now and then).
 * A barge-in pause stops the turn's clock where it is (the face is neutral meanwhile, as in the kiosk, whose player
 * reports no position while paused); a resume goes on from there, the rest of the turn shifted by the pause.
 */
import { ARKIT_52, BLENDSHAPE_INDEX as I, HEAD_ROTATIONS } from "@mirror/protocol";

export interface SchedulerOptions {
  sampleRate: number;
  fps: number;
  /** how much later than the anchor the audio is actually heard (ms); positive delays the face */
  audioOffsetMs: number;
  /** playback speed (1 = real time; the demo's --fast plays at 3) */
  rate: number;
}

interface TimedFrame {
  sample: number;
  weights: ArrayLike<number>;
  /** what speech adds to head and eyes (HEAD_ROTATIONS), when the lip-sync made it */
  rotations?: ArrayLike<number> | undefined;
}

interface TurnState {
  id: number;
  frames: TimedFrame[];
  firstAudioAt: number | null;
  playbackAt: number | null;
  totalSamples: number | null;
  /** wall ms the current pause began, null while playing */
  pausedAt: number | null;
  /** the pauses so far, in ms: the turn's clock runs this much behind its anchor */
  pausedMs: number;
}

export interface ScheduledPose {
  weights: Float32Array;
  /** the turn's head/eye rotations at this moment, or null (neutral face, or a lip-sync without them) */
  rotations: Float32Array | null;
  /** the reply turn this pose comes from, null for the neutral face */
  turnId: number | null;
}

const N = ARKIT_52.length;

export class LiveLinkScheduler {
  private turn: TurnState | null = null;
  private readonly out = new Float32Array(N);
  private readonly rot = new Float32Array(HEAD_ROTATIONS.length);
  private readonly blink: IdleBlink;

  constructor(private readonly o: SchedulerOptions) {
    this.blink = new IdleBlink(o.fps);
  }

  turnStart(turnId: number): void {
    this.turn = { id: turnId, frames: [], firstAudioAt: null, playbackAt: null, totalSamples: null, pausedAt: null, pausedMs: 0 };
  }

  audio(turnId: number, at: number): void {
    const t = this.current(turnId);
    if (t && t.firstAudioAt === null) t.firstAudioAt = at;
  }

  frames(turnId: number, frames: readonly TimedFrame[]): void {
    this.current(turnId)?.frames.push(...frames);
  }

  turnEnd(turnId: number, totalSamples: number): void {
    const t = this.current(turnId);
    if (t) t.totalSamples = totalSamples;
  }

  /** The turn's audio was heard to start at `at` (e.g. reported by the kiosk): re-anchor the clock there. */
  playbackStarted(turnId: number, at: number): void {
    const t = this.current(turnId);
    if (t) t.playbackAt = at;
  }

  /** Visitor speech over the double: the turn's clock stands still from `at` until resume (or the interrupt). */
  pause(turnId: number, at: number): void {
    const t = this.current(turnId);
    if (t && t.pausedAt === null) t.pausedAt = at;
  }

  /** It was a backchannel: the face goes on from where the pause held it. */
  resume(turnId: number, at: number): void {
    const t = this.current(turnId);
    if (!t || t.pausedAt === null) return;
    t.pausedMs += Math.max(0, at - t.pausedAt);
    t.pausedAt = null;
  }

  interrupt(turnId: number): void {
    if (this.turn?.id === turnId) this.turn = null;
  }

  /** When the current turn's sample 0 is heard (wall ms): its anchor plus the audio offset. */
  heardAt(turnId: number): number | null {
    const t = this.current(turnId);
    const anchor = t ? (t.playbackAt ?? t.firstAudioAt) : null;
    return anchor === null ? null : anchor + this.o.audioOffsetMs;
  }

  /** First audio arrival of the current turn (for "first frame sent after first audio"). */
  firstAudioAt(turnId: number): number | null {
    return this.current(turnId)?.firstAudioAt ?? null;
  }

  /** The face for the packet sent at wall time `at` (ms, same clock as the events). */
  poseAt(at: number, frameNumber: number): ScheduledPose {
    const t = this.turn;
    const anchor = t ? (t.playbackAt ?? t.firstAudioAt) : null;
    if (t && anchor !== null && t.frames.length > 0 && t.pausedAt === null) {
      const sample = ((at - anchor - t.pausedMs - this.o.audioOffsetMs) * this.o.rate * this.o.sampleRate) / 1000;
      const frameLen = this.o.sampleRate / this.o.fps;
      const last = t.frames[t.frames.length - 1]!;
      if (t.totalSamples !== null && sample > Math.max(t.totalSamples, last.sample) + frameLen) {
        this.turn = null;
      } else if (sample >= (t.frames[0]?.sample ?? 0)) {
        const rotated = this.interpolate(t, sample);
        return { weights: this.out, rotations: rotated ? this.rot : null, turnId: t.id };
      }
    }
    this.out.fill(0);
    const lid = this.blink.at(frameNumber);
    this.out[I.eyeBlinkLeft] = lid;
    this.out[I.eyeBlinkRight] = lid;
    return { weights: this.out, rotations: null, turnId: null };
  }

  private current(turnId: number): TurnState | null {
    return this.turn?.id === turnId ? this.turn : null;
  }

  /** Writes the pose at `sample` into out (and rot); true when the frames carry rotations. */
  private interpolate(t: TurnState, sample: number): boolean {
    const fs = t.frames;
    // frames behind the clock are no longer needed (keep one for interpolation)
    let i = 0;
    while (i + 1 < fs.length && fs[i + 1]!.sample <= sample) i++;
    if (i > 0) fs.splice(0, i);
    const a = fs[0]!;
    const b = fs[1];
    const x = b && b.sample > a.sample ? Math.min(1, Math.max(0, (sample - a.sample) / (b.sample - a.sample))) : 0;
    lerp(a.weights, b?.weights, x, this.out);
    if (!a.rotations) return false;
    lerp(a.rotations, b?.rotations ?? a.rotations, x, this.rot);
    return true;
  }
}

function lerp(a: ArrayLike<number>, b: ArrayLike<number> | undefined, x: number, out: Float32Array): void {
  for (let k = 0; k < out.length; k++) {
    const va = a[k] ?? 0;
    out[k] = b ? va + x * ((b[k] ?? 0) - va) : va;
  }
}

/** Blinks of the listening face: every 2.5–5.5 s (deterministic), 150 ms each. */
class IdleBlink {
  private next: number;
  private start = -Infinity;
  private seed = 0x2545f491;

  constructor(private readonly fps: number) {
    this.next = Math.round(fps * 1.5);
  }

  at(frame: number): number {
    if (frame >= this.next) {
      this.start = frame;
      this.next = frame + Math.round(this.fps * (2.5 + 3 * this.rand()));
    }
    const t = (frame - this.start) / this.fps;
    if (t < 0 || t >= 0.15) return 0;
    return t < 0.05 ? t / 0.05 : t < 0.07 ? 1 : 1 - (t - 0.07) / 0.08;
  }

  private rand(): number {
    this.seed = (Math.imul(this.seed, 1664525) + 1013904223) >>> 0;
    return this.seed / 2 ** 32;
  }
}
