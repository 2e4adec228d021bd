import { BLENDSHAPE_INDEX } from "@mirror/protocol";
import type { HeadPose } from "./rig.js";

const BLINK_L = BLENDSHAPE_INDEX.eyeBlinkLeft;
const BLINK_R = BLENDSHAPE_INDEX.eyeBlinkRight;

/** Tunable sizes of the idle life (radians, seconds). */
export const LIFE = {
  breathPeriodS: 4.6,
  breathPitch: 0.006,
  swayYaw: 0.018,
  swayPitch: 0.01,
  swayRoll: 0.008,
  blinkMs: 170,
  blinkEveryS: [2.2, 5.5] as const,
  saccadeEveryS: [0.7, 2.8] as const,
  saccadeRange: 0.5,
  nodPitch: 0.055,
  nodMs: 700,
  nodEveryMs: 2600,
} as const;

/**
 * The double's own life, on wall time (it belongs to no audio): breathing, a slow sway of the head, saccades and
 * blinks; while the visitor speaks, small listening nods. Lips are never driven from here.
 */
export class IdleLife {
  private nextBlinkAt = 0;
  private blinkStart = -1;
  private nextSaccadeAt = 0;
  private gaze = { x: 0, y: 0 };
  private target = { x: 0, y: 0 };
  private nodStart = -Infinity;
  private listeningUntil = 0;
  /** no breathing, sway, nods or saccades (measurement mode: only the lips and lids move) */
  still = false;
  /** forced blink (tests and screenshots): closes the eyes at this weight, null = natural */
  forcedBlink: number | null = null;

  constructor(private readonly random: () => number = Math.random) {}

  /** The visitor is speaking (a partial transcript arrived): nod now and then while it lasts. */
  visitorSpeaking(now: number): void {
    this.listeningUntil = now + 1500;
    if (now - this.nodStart > LIFE.nodEveryMs) this.nodStart = now;
  }

  /** Head pose at `now` (ms), and idle blinks written into `w` (kept when the frame already blinks more). */
  step(now: number, w: Float32Array, head: HeadPose): void {
    const t = now / 1000;
    const breath = Math.sin((2 * Math.PI * t) / LIFE.breathPeriodS);
    head.pitch = LIFE.breathPitch * breath + LIFE.swayPitch * (0.6 * Math.sin(t * 0.53) + 0.4 * Math.sin(t * 1.31 + 1));
    head.yaw = LIFE.swayYaw * (0.7 * Math.sin(t * 0.37 + 2) + 0.3 * Math.sin(t * 0.91));
    head.roll = LIFE.swayRoll * Math.sin(t * 0.29 + 4);
    const nod = (now - this.nodStart) / LIFE.nodMs;
    if (nod >= 0 && nod < 1) head.pitch += LIFE.nodPitch * Math.sin(Math.PI * nod) * (now < this.listeningUntil + LIFE.nodMs ? 1 : 0);
    if (now < this.listeningUntil && nod >= 1 && now - this.nodStart > LIFE.nodEveryMs) this.nodStart = now;
    if (this.still) {
      head.pitch = 0;
      head.yaw = 0;
      head.roll = 0;
    }

    if (now >= this.nextSaccadeAt && !this.still) {
      this.target = { x: (this.random() * 2 - 1) * LIFE.saccadeRange, y: (this.random() * 2 - 1) * LIFE.saccadeRange * 0.5 };
      this.nextSaccadeAt = now + 1000 * between(this.random(), LIFE.saccadeEveryS);
    }
    // saccades are fast: most of the way in a couple of frames
    this.gaze.x += (this.target.x - this.gaze.x) * 0.5;
    this.gaze.y += (this.target.y - this.gaze.y) * 0.5;
    head.gazeX = this.gaze.x;
    head.gazeY = this.gaze.y;

    let b = 0;
    if (this.forcedBlink !== null) b = this.forcedBlink;
    else {
      if (this.nextBlinkAt === 0) this.nextBlinkAt = now + 1500;
      if (this.blinkStart < 0 && now >= this.nextBlinkAt) this.blinkStart = now;
      if (this.blinkStart >= 0) {
        const k = (now - this.blinkStart) / LIFE.blinkMs;
        if (k >= 1) {
          this.blinkStart = -1;
          this.nextBlinkAt = now + 1000 * between(this.random(), LIFE.blinkEveryS);
        } else b = Math.sin(Math.PI * k);
      }
    }
    w[BLINK_L] = Math.max(w[BLINK_L] ?? 0, b);
    w[BLINK_R] = Math.max(w[BLINK_R] ?? 0, b);
  }
}

function between(r: number, [lo, hi]: readonly [number, number]): number {
  return lo + r * (hi - lo);
}
