import { BLENDSHAPE_INDEX, BinaryKind, MOUTH_SHAPES, bytesToInt16, type BinaryFrame } from "@mirror/protocol";
import type { RenderedFrame } from "./renderer/animator.js";

/** A reply sample louder than this (of full scale) is the voice's onset. */
const ONSET_LEVEL = 0.03;
/** Visible lip motion: lips apart by this share of their full opening (or, measuring pixels, this share changed). */
const LIPS_APART = 0.04;
const PIXELS_CHANGED = 0.02;
const KEEP = 50;
/** a face frame with a mouth weight above this opens the lips (as the kiosk's lip-motion report counts it) */
const FRAME_MOTION = 0.05;
const MOUTH_INDICES = MOUTH_SHAPES.map((n) => BLENDSHAPE_INDEX[n]);

/** Where the player's audio clock puts a sample on the page's clock. */
export interface AudioTimes {
  /** context time at which the worklet rendered `sample` of `turnId`; null: not (yet) known */
  renderTimeOf(turnId: number, sample: number): number | null;
  /** page time (performance.now()) at which context time `time` is heard */
  pageTimeOf(time: number): number;
}

interface TurnAv {
  onsetSample: number | null;
  audioMs: number | null;
  /** first face frame that moves the lips, and when its sample became audible */
  frameSample: number | null;
  frameMs: number | null;
  lipMs: number | null;
  /** time on screen of the frame before the lip frame up to it: the lips could not show earlier than that */
  gapMs: number | null;
  holdMs: number;
  done: boolean;
}

/**
 * The browser's A/V measurement, per turn: when the voice's first loud sample is heard (the worklet's own report of
 * when it rendered that sample, put on the page clock by the output timestamp) against when the first frame whose
 * lips visibly moved reaches the screen. Positive: the lips are late. With `pixels` the lip onset is read from the
 * rendered pixels around the mouth, not from the mesh. The audio side does not use the position the face was
 * chosen by, so a late or early face shows.
 */
export class AvMeter {
  private readonly turns = new Map<number, TurnAv>();
  readonly offsetsMs: number[] = [];
  /** the renderer's own share: lip onset drawn vs the audible time of the face frame that carries it */
  readonly pipelineOffsetsMs: number[] = [];
  /** per offset: the interval from the frame before the lips' first frame to it (a dropped frame widens it) */
  readonly lipFrameGapsMs: number[] = [];
  /** per offset: how long the lips' first frame was expected to stay on screen (its audio is half of that later) */
  readonly lipFrameHoldsMs: number[] = [];
  lastOffsetMs: number | null = null;
  private lastShownAt: number | null = null;

  constructor(
    readonly pixels: boolean,
    private readonly clock: AudioTimes,
    /** offsets kept (the most recent) */
    private readonly keep = KEEP,
  ) {}

  audio(f: BinaryFrame): void {
    if (f.kind !== BinaryKind.replyAudio) return;
    const t = this.turn(f.turnId);
    if (t.onsetSample !== null) return;
    const pcm = bytesToInt16(f.payload);
    const level = ONSET_LEVEL * 32768;
    for (let i = 0; i < pcm.length; i++) {
      if (Math.abs(pcm[i] ?? 0) > level) {
        t.onsetSample = f.sample + i;
        return;
      }
    }
  }

  /** Face frames of a turn, as they arrive. */
  frames(turnId: number, frames: readonly { sample: number; w: readonly number[] }[]): void {
    const t = this.turn(turnId);
    for (const f of frames) {
      if (t.frameSample !== null && f.sample >= t.frameSample) break;
      if (MOUTH_INDICES.some((i) => (f.w[i] ?? 0) > FRAME_MOTION)) t.frameSample = f.sample;
    }
  }

  /** A drawn frame; `pixelsChanged` is the share of mouth pixels unlike the neutral face (pixel mode). */
  rendered(f: RenderedFrame, pixelsChanged: number | null): void {
    const prevShownAt = this.lastShownAt;
    this.lastShownAt = f.shownAt;
    const pos = f.position;
    if (!pos) return;
    const t = this.turn(pos.turnId);
    if (t.done) return;
    if (t.onsetSample !== null && t.audioMs === null) t.audioMs = this.heardAt(pos.turnId, t.onsetSample);
    if (t.frameSample !== null && t.frameMs === null) t.frameMs = this.heardAt(pos.turnId, t.frameSample);
    const moving = this.pixels ? (pixelsChanged ?? 0) > PIXELS_CHANGED : f.lipsApart > LIPS_APART;
    if (t.lipMs === null && moving) {
      t.lipMs = f.shownAt;
      t.gapMs = prevShownAt === null ? null : f.shownAt - prevShownAt;
      t.holdMs = f.holdMs;
    }
    if (t.audioMs !== null && t.lipMs !== null && (t.frameMs !== null || t.frameSample === null)) {
      t.done = true;
      if (t.frameMs !== null) this.push(this.pipelineOffsetsMs, Math.round((t.lipMs - t.frameMs) * 10) / 10);
      this.lastOffsetMs = Math.round((t.lipMs - t.audioMs) * 10) / 10;
      this.push(this.offsetsMs, this.lastOffsetMs);
      this.push(this.lipFrameGapsMs, t.gapMs === null ? NaN : Math.round(t.gapMs * 10) / 10);
      this.push(this.lipFrameHoldsMs, Math.round(t.holdMs * 10) / 10);
    }
  }

  /** Forgets the turns (end of a visit); the offsets stay, they hold nothing of the visitor. */
  reset(): void {
    this.turns.clear();
  }

  private push(list: number[], v: number): void {
    list.push(v);
    if (list.length > this.keep) list.shift();
  }

  private heardAt(turnId: number, sample: number): number | null {
    const rendered = this.clock.renderTimeOf(turnId, sample);
    return rendered === null ? null : this.clock.pageTimeOf(rendered);
  }

  private turn(id: number): TurnAv {
    let t = this.turns.get(id);
    if (!t) {
      t = { onsetSample: null, audioMs: null, frameSample: null, frameMs: null, lipMs: null, gapMs: null, holdMs: 0, done: false };
      this.turns.set(id, t);
    }
    return t;
  }
}
