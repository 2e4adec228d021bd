import { ARKIT_52, BLENDSHAPE_INDEX, MOUTH_SHAPES } from "@mirror/protocol";
import type { FaceRenderer } from "./renderer.js";
import type { FrameTimeline } from "./timeline.js";

export interface PlayingPosition {
  turnId: number;
  sample: number;
}

export interface RenderedFrame {
  /** the turn and audio sample whose face was drawn (null: neutral, nothing playing) */
  position: PlayingPosition | null;
  /** largest mouth weight drawn */
  mouth: number;
  jawOpen: number;
  /** rAF timestamp (performance.now() clock) */
  time: number;
}

const MOUTH_INDICES = MOUTH_SHAPES.map((n) => BLENDSHAPE_INDEX[n]);
const JAW_OPEN = BLENDSHAPE_INDEX.jawOpen;
const BLINK_L = BLENDSHAPE_INDEX.eyeBlinkLeft;
const BLINK_R = BLENDSHAPE_INDEX.eyeBlinkRight;
const BLINK_MS = 160;

/**
 * The render loop. Each animation frame asks where the audio is (the audio clock is master) and draws the face
 * frame of that sample; never schedules lips by wall time. Only idle blinking runs on wall time.
 */
export class Animator {
  private readonly weights = new Float32Array(ARKIT_52.length);
  private raf = 0;
  private nextBlinkAt = 0;
  private frameTimes: number[] = [];

  constructor(
    private readonly renderer: FaceRenderer,
    private readonly timeline: FrameTimeline,
    private readonly position: () => PlayingPosition | null,
    /** how long the last frame of a turn may be held when frames lag behind the audio */
    private readonly holdSamples: number,
    private readonly onFrame: (f: RenderedFrame) => void,
  ) {}

  get running(): boolean {
    return this.raf !== 0;
  }

  /** Render frames per second over the last second. */
  get fps(): number {
    const n = this.frameTimes.length;
    const first = this.frameTimes[0];
    const last = this.frameTimes[n - 1];
    if (n < 2 || first === undefined || last === undefined || last === first) return 0;
    return ((n - 1) * 1000) / (last - first);
  }

  start(): void {
    if (this.raf === 0) this.raf = requestAnimationFrame(this.frame);
  }

  stop(): void {
    if (this.raf !== 0) cancelAnimationFrame(this.raf);
    this.raf = 0;
    this.frameTimes = [];
  }

  private readonly frame = (time: number): void => {
    this.raf = requestAnimationFrame(this.frame);
    this.frameTimes.push(time);
    while (this.frameTimes.length > 2 && time - (this.frameTimes[0] ?? time) > 1000) this.frameTimes.shift();

    const w = this.weights;
    let pos = this.position();
    if (!pos || !this.timeline.at(pos.turnId, pos.sample, w, this.holdSamples)) {
      w.fill(0);
      if (pos && !this.timeline.has(pos.turnId)) pos = null;
    }
    this.idleBlink(time, w);
    this.renderer.draw(w);

    let mouth = 0;
    for (const i of MOUTH_INDICES) mouth = Math.max(mouth, w[i] ?? 0);
    this.onFrame({ position: pos, mouth, jawOpen: w[JAW_OPEN] ?? 0, time });
  };

  private idleBlink(time: number, w: Float32Array): void {
    if (this.nextBlinkAt === 0) this.nextBlinkAt = time + 2500;
    const t = time - this.nextBlinkAt;
    if (t > BLINK_MS) {
      this.nextBlinkAt = time + 2500 + Math.random() * 3500;
      return;
    }
    if (t < 0) return;
    const b = Math.sin((Math.PI * t) / BLINK_MS);
    w[BLINK_L] = Math.max(w[BLINK_L] ?? 0, b);
    w[BLINK_R] = Math.max(w[BLINK_R] ?? 0, b);
  }
}
