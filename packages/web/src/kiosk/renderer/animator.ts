import { ARKIT_52, BLENDSHAPE_INDEX, EYE_LOOK_RANGE_RAD, HEAD_ROTATIONS, MOUTH_SHAPES } from "@mirror/protocol";
import { IdleLife } from "./life.js";
import type { FaceRenderer } from "./renderer.js";
import type { HeadPose } from "./rig.js";
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
  /** how far the drawn lips are apart (0..1), from the posed mesh */
  lipsApart: number;
  /** rAF timestamp (performance.now() clock) */
  time: number;
  /** when this frame is expected on screen (the next display refresh); it shows the audio of `holdMs / 2` later */
  shownAt: number;
  /** how long it is expected to stay on screen (the loop's median frame gap) */
  holdMs: number;
}

const MOUTH_INDICES = MOUTH_SHAPES.map((n) => BLENDSHAPE_INDEX[n]);
const JAW_OPEN = BLENDSHAPE_INDEX.jawOpen;
const EYE_LOOK = ARKIT_52.flatMap((n, i) => (n.startsWith("eyeLook") ? [i] : []));
const B = BLENDSHAPE_INDEX;
const FRAME_WINDOW = 90;

/**
 * Under a cap of `maxFps`, the new "last drawn" mark when the rAF frame at `time` is drawn, or null to skip it.
 * Frames come at the display's rate, so a frame a little early (4 ms) still counts and the mark advances by whole cap
 * intervals: 60 Hz under a cap of 24 then averages 24 fps, not 20.
 */
export function nextDrawMark(time: number, lastDrawn: number, maxFps: number | null): number | null {
  if (!maxFps) return time;
  const interval = 1000 / maxFps;
  if (time - lastDrawn < interval - 4) return null;
  // after a stall (tab hidden, GC) start afresh instead of catching up with a burst
  return time - lastDrawn >= 2 * interval ? time : lastDrawn + interval;
}

/**
 * The render loop. Each animation frame asks where the audio is (the audio clock is master) and draws the face
 * frame of that sample; never schedules lips by wall time. Idle life (breathing, sway, saccades, blinks, nods)
 * runs on wall time.
 */
export class Animator {
  private readonly weights = new Float32Array(ARKIT_52.length);
  private readonly rotations = new Float32Array(HEAD_ROTATIONS.length);
  private readonly head: HeadPose = { pitch: 0, yaw: 0, roll: 0, gazeX: 0, gazeY: 0 };
  readonly life = new IdleLife();
  private raf = 0;
  private frameTimes: number[] = [];
  private workMs: number[] = [];
  /** weights to show instead of the audio's (tests, screenshots); null: follow the audio */
  override: Float32Array | null = null;
  /** the server's GPU budget: draw at most this many frames per second (null: every animation frame) */
  maxFps: number | null = null;
  private lastDrawn = -Infinity;

  constructor(
    private readonly renderer: FaceRenderer,
    private readonly timeline: FrameTimeline,
    /** what the speaker plays at page time `atMs` */
    private readonly position: (atMs: number) => PlayingPosition | null,
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

  /**
   * Milliseconds between display refreshes: the lower quartile of the last second's frame gaps (8–50 ms). A loaded
   * machine drops frames, which makes some gaps whole multiples of the refresh; the short gaps are the refresh.
   */
  get frameInterval(): number {
    return this.gapQuantile(0.25);
  }

  /** How long a drawn frame stays on screen, typically: the median frame gap of the last second (8–50 ms). */
  get frameHold(): number {
    return this.gapQuantile(0.5);
  }

  private gapQuantile(q: number): number {
    const t = this.frameTimes;
    if (t.length < 3) return 1000 / 60;
    const gaps: number[] = [];
    for (let i = 1; i < t.length; i++) gaps.push((t[i] ?? 0) - (t[i - 1] ?? 0));
    gaps.sort((a, b) => a - b);
    return Math.min(50, Math.max(8, gaps[Math.floor(q * (gaps.length - 1))] ?? 1000 / 60));
  }

  /** Mean main-thread milliseconds per frame (choosing the frame, posing, GL calls) over the recent frames. */
  get frameWorkMs(): number {
    return this.workMs.length ? this.workMs.reduce((a, b) => a + b, 0) / this.workMs.length : 0;
  }

  start(): void {
    if (this.raf === 0) this.raf = requestAnimationFrame(this.frame);
  }

  stop(): void {
    if (this.raf !== 0) cancelAnimationFrame(this.raf);
    this.raf = 0;
    this.frameTimes = [];
    this.workMs = [];
  }

  private readonly frame = (time: number): void => {
    this.raf = requestAnimationFrame(this.frame);
    const mark = nextDrawMark(time, this.lastDrawn, this.maxFps);
    if (mark === null) return;
    this.lastDrawn = mark;
    const t0 = performance.now();
    this.frameTimes.push(time);
    while (this.frameTimes.length > 2 && time - (this.frameTimes[0] ?? time) > 1000) this.frameTimes.shift();

    // drawn now, the frame is on screen from the next refresh until the next frame replaces it: it shows the audio
    // heard in the middle of that span, so a voice onset anywhere in it is at most half a frame from the lips (not
    // 0..1 frame late)
    const shownAt = time + this.frameInterval;
    const holdMs = this.frameHold;
    const w = this.weights;
    let pos = this.position(shownAt + holdMs / 2);
    const r = this.rotations;
    r.fill(0);
    if (this.override) w.set(this.override);
    else if (!pos || !this.timeline.at(pos.turnId, pos.sample, w, this.holdSamples, r)) {
      w.fill(0);
      if (pos && !this.timeline.has(pos.turnId)) pos = null;
    }
    this.life.step(time, w, this.head);
    addRotations(r, w, this.head);
    this.renderer.draw(w, this.head);

    let mouth = 0;
    for (const i of MOUTH_INDICES) mouth = Math.max(mouth, w[i] ?? 0);
    const lipsApart = this.renderer.lastMouth?.open ?? 0;
    this.onFrame({ position: pos, mouth, jawOpen: w[JAW_OPEN] ?? 0, lipsApart, time, shownAt, holdMs });
    this.workMs.push(performance.now() - t0);
    if (this.workMs.length > FRAME_WINDOW) this.workMs.shift();
  };
}

/**
 * A frame's head and eye rotations (HEAD_ROTATIONS, what speech adds) on top of the double's own idle pose. The eyes
 * come from the eyeLook curves when the frame has any (they say the same as the eye rotations); otherwise the eye
 * rotations are written into those curves (yaw > 0 toward the face's left, pitch > 0 up).
 */
export function addRotations(r: Float32Array, w: Float32Array, head: HeadPose): void {
  head.yaw += r[0] ?? 0;
  head.pitch -= r[1] ?? 0;
  head.roll += r[2] ?? 0;
  if (EYE_LOOK.some((i) => (w[i] ?? 0) !== 0)) return;
  const eye = (yaw: number, pitch: number, side: "Left" | "Right") => {
    const x = yaw / EYE_LOOK_RANGE_RAD;
    const y = pitch / EYE_LOOK_RANGE_RAD;
    // the face's left eye looks out toward its left; its right eye looks in that way
    const toLeft = side === "Left" ? B.eyeLookOutLeft : B.eyeLookInRight;
    const toRight = side === "Left" ? B.eyeLookInLeft : B.eyeLookOutRight;
    w[toLeft] = Math.max(0, Math.min(1, x));
    w[toRight] = Math.max(0, Math.min(1, -x));
    w[side === "Left" ? B.eyeLookUpLeft : B.eyeLookUpRight] = Math.max(0, Math.min(1, y));
    w[side === "Left" ? B.eyeLookDownLeft : B.eyeLookDownRight] = Math.max(0, Math.min(1, -y));
  };
  eye(r[3] ?? 0, r[4] ?? 0, "Left");
  eye(r[6] ?? 0, r[7] ?? 0, "Right");
}
