import { BLENDSHAPE_INDEX, BinaryKind, MOUTH_SHAPES, OUTPUT_SAMPLE_RATE, bytesToInt16, type BinaryFrame } from "@mirror/protocol";
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

interface TurnAv {
  onsetSample: number | null;
  audioMs: number | null;
  /** first face frame that moves the lips, and when its sample became audible */
  frameSample: number | null;
  frameMs: number | null;
  lipMs: number | null;
  done: boolean;
}

/**
 * The browser's A/V measurement, per turn: when the voice's first loud sample became audible (on the audio clock,
 * mapped to the frame clock) against when the drawn lips first visibly moved. Positive: the lips are late.
 * With `pixels` the lip onset is read from the rendered pixels around the mouth, not from the mesh.
 */
export class AvMeter {
  private readonly turns = new Map<number, TurnAv>();
  readonly offsetsMs: number[] = [];
  /** the renderer's own share: lip onset drawn vs the audible time of the face frame that carries it */
  readonly pipelineOffsetsMs: number[] = [];
  lastOffsetMs: number | null = null;

  constructor(readonly pixels: boolean) {}

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
    const pos = f.position;
    if (!pos) return;
    const t = this.turn(pos.turnId);
    if (t.done) return;
    if (t.onsetSample !== null && t.audioMs === null && pos.sample >= t.onsetSample) {
      t.audioMs = f.time - ((pos.sample - t.onsetSample) / OUTPUT_SAMPLE_RATE) * 1000;
    }
    if (t.frameSample !== null && t.frameMs === null && pos.sample >= t.frameSample) {
      t.frameMs = f.time - ((pos.sample - t.frameSample) / OUTPUT_SAMPLE_RATE) * 1000;
    }
    const moving = this.pixels ? (pixelsChanged ?? 0) > PIXELS_CHANGED : f.lipsApart > LIPS_APART;
    if (t.lipMs === null && moving) t.lipMs = f.time;
    if (t.audioMs !== null && t.lipMs !== null && (t.frameMs !== null || t.frameSample === null)) {
      t.done = true;
      if (t.frameMs !== null) push(this.pipelineOffsetsMs, Math.round((t.lipMs - t.frameMs) * 10) / 10);
      this.lastOffsetMs = Math.round((t.lipMs - t.audioMs) * 10) / 10;
      push(this.offsetsMs, this.lastOffsetMs);
    }
  }

  /** Forgets the turns (end of a visit); the offsets stay, they hold nothing of the visitor. */
  reset(): void {
    this.turns.clear();
  }

  private turn(id: number): TurnAv {
    let t = this.turns.get(id);
    if (!t) {
      t = { onsetSample: null, audioMs: null, frameSample: null, frameMs: null, lipMs: null, done: false };
      this.turns.set(id, t);
    }
    return t;
  }
}

function push(list: number[], v: number): void {
  list.push(v);
  if (list.length > KEEP) list.shift();
}
