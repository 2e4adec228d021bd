/**
 * From a 52-weight ARKit frame to the 61 Live Link values: the curves as they are, the eyes' rotations read
 * from the eyeLook curves (as the iPhone app reports both), and a head that moves a little: a slow sway and
 * small nods that follow speech and brow raises. Angles in radians, as Live Link Face records them.
 */
import { ARKIT_52, BLENDSHAPE_INDEX as I, EYE_LOOK_RANGE_RAD } from "@mirror/protocol";
import { LIVELINK_VALUE_COUNT } from "./packet.js";

const N = ARKIT_52.length;
const EYE_RANGE_RAD = EYE_LOOK_RANGE_RAD;

export interface HeadPose {
  yaw: number;
  pitch: number;
  roll: number;
}

/**
 * `rotations` (HEAD_ROTATIONS order), when the lip-sync made them, are what speech adds: they add to the idle
 * head and replace the eyes read from the eyeLook curves.
 */
export function liveLinkValues(weights: ArrayLike<number>, head: HeadPose, out = new Float32Array(LIVELINK_VALUE_COUNT), rotations: ArrayLike<number> | null = null): Float32Array {
  for (let k = 0; k < N; k++) out[k] = weights[k] ?? 0;
  const w = (k: number) => weights[k] ?? 0;
  out[N] = head.yaw;
  out[N + 1] = head.pitch;
  out[N + 2] = head.roll;
  // both eyes turn the same way: the left eye looks out when the right one looks in
  out[N + 3] = EYE_RANGE_RAD * (w(I.eyeLookOutLeft) - w(I.eyeLookInLeft));
  out[N + 4] = EYE_RANGE_RAD * (w(I.eyeLookUpLeft) - w(I.eyeLookDownLeft));
  out[N + 5] = 0;
  out[N + 6] = EYE_RANGE_RAD * (w(I.eyeLookInRight) - w(I.eyeLookOutRight));
  out[N + 7] = EYE_RANGE_RAD * (w(I.eyeLookUpRight) - w(I.eyeLookDownRight));
  out[N + 8] = 0;
  if (rotations) for (let k = 0; k < 9; k++) out[N + k] = (k < 3 ? (out[N + k] ?? 0) : 0) + (rotations[k] ?? 0);
  return out;
}

const SWAY = [
  { axis: "yaw", amp: 0.03, hz: 0.11, phase: 0.3 },
  { axis: "yaw", amp: 0.012, hz: 0.37, phase: 1.7 },
  { axis: "pitch", amp: 0.015, hz: 0.17, phase: 2.1 },
  { axis: "roll", amp: 0.01, hz: 0.13, phase: 0.9 },
] as const;

/**
 * Head motion on the frame clock (60 per second), deterministic: the same frames give the same head.
 * Speaking energy (jaw) tilts the head a touch forward, brow raises lift it, both smoothed over ~150 ms.
 */
export class HeadMotion {
  private energy = 0;
  private lift = 0;
  private readonly alpha: number;

  constructor(private readonly fps: number) {
    this.alpha = 1 - Math.exp(-1 / (fps * 0.15));
  }

  next(frame: number, weights: ArrayLike<number>): HeadPose {
    const t = frame / this.fps;
    const pose: HeadPose = { yaw: 0, pitch: 0, roll: 0 };
    for (const s of SWAY) pose[s.axis] += s.amp * Math.sin(2 * Math.PI * s.hz * t + s.phase);
    this.energy += this.alpha * ((weights[I.jawOpen] ?? 0) - this.energy);
    this.lift += this.alpha * ((weights[I.browInnerUp] ?? 0) - this.lift);
    pose.pitch += 0.06 * this.energy - 0.08 * this.lift;
    pose.yaw += 0.02 * this.energy * Math.sin(2 * Math.PI * 0.7 * t);
    return pose;
  }
}
