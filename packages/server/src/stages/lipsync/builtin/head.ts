/**
 * Head, gaze and brows of a speaking face, driven by prosody: pitch accents (F0 well above the voice's own
 * middle, on a loud syllable) raise the brows and nod the head; the head leans a little with the pitch and
 * drifts; the eyes hold a point and jump to another every 0.6–2.5 s (saccades, ~40 ms). Everything speech
 * adds fades out as the voice stops, so a receiver can add it to its own idle motion.
 * Rotations in radians, Live Link Face order (HEAD_ROTATIONS); yaw > 0 turns toward the face's left.
 */
import { BLENDSHAPE_INDEX as I, EYE_LOOK_RANGE_RAD, HEAD_ROTATIONS } from "@mirror/protocol";
import type { Random } from "../../../core/clock.js";

export interface ProsodyFrame {
  /** F0 in Hz, 0 when unvoiced */
  f0: number;
  /** loudness 0–1 */
  loud: number;
  /** loudness when this frame tops a loud syllable, else 0 */
  syllablePeak: number;
  /** the voice gate 0–1 (is the mouth speaking now) */
  speaking: number;
}

const ACCENT_SEMITONES = 1.5;
const BROW_PER_SEMITONE = 0.06;
const BROW_MAX = 0.45;
const NOD_RAD = 0.035;
const PITCH_LEAN_RAD_PER_SEMITONE = 0.004;
const DRIFT = { yaw: 0.05, roll: 0.025, pitch: 0.015 };
const DRIFT_EVERY_S = [1, 2.5] as const;
const SACCADE = { yaw: 0.14, pitch: 0.06, every: [0.6, 2.5] as const, tau: 0.015 };
const TAU = { envelope: 0.4, drift: 0.5, nod: 0.12, brow: 0.08, browDecay: 0.35 };

export class HeadAndGaze {
  /** log2 of the voice's running middle F0 */
  private refLog2 = 0;
  private voicedFrames = 0;
  private envelope = 0;
  private nod = 0;
  private nodTarget = 0;
  private brow = 0;
  private browTarget = 0;
  private readonly drift = { yaw: 0, pitch: 0, roll: 0 };
  private readonly driftTarget = { yaw: 0, pitch: 0, roll: 0 };
  private nextDrift = 0;
  private readonly gaze = { yaw: 0, pitch: 0 };
  private readonly gazeTarget = { yaw: 0, pitch: 0 };
  private nextSaccade = 0;
  private readonly dt: number;

  constructor(
    private readonly sampleRate: number,
    fps: number,
    private readonly random: Random,
  ) {
    this.dt = 1 / fps;
  }

  /** Writes brows and eyeLook curves into `weights` and returns the 9 rotations for the frame at `sample`. */
  step(sample: number, p: ProsodyFrame, weights: Float32Array): Float32Array {
    const t = sample / this.sampleRate;
    const k = (tau: number) => 1 - Math.exp(-this.dt / tau);
    this.envelope += k(TAU.envelope) * (p.speaking - this.envelope);

    const semitones = this.semitones(p.f0);
    if (p.syllablePeak > 0 && semitones > ACCENT_SEMITONES) {
      this.browTarget = Math.min(BROW_MAX, BROW_PER_SEMITONE * semitones * p.syllablePeak);
      this.nodTarget = NOD_RAD * p.syllablePeak;
    }
    this.brow += k(this.browTarget > this.brow ? TAU.brow : TAU.browDecay) * (this.browTarget - this.brow);
    this.browTarget *= 1 - k(TAU.browDecay);
    this.nod += k(TAU.nod) * (this.nodTarget - this.nod);
    this.nodTarget *= 1 - k(TAU.nod);

    if (t >= this.nextDrift) {
      this.driftTarget.yaw = DRIFT.yaw * (2 * this.random() - 1);
      this.driftTarget.roll = DRIFT.roll * (2 * this.random() - 1);
      this.driftTarget.pitch = DRIFT.pitch * (2 * this.random() - 1);
      this.nextDrift = t + DRIFT_EVERY_S[0] + (DRIFT_EVERY_S[1] - DRIFT_EVERY_S[0]) * this.random();
    }
    for (const axis of ["yaw", "pitch", "roll"] as const) this.drift[axis] += k(TAU.drift) * (this.driftTarget[axis] - this.drift[axis]);

    if (t >= this.nextSaccade) {
      // while speaking the eyes wander off and come back; at rest they return to the listener
      const away = p.speaking > 0.5 && this.random() < 0.6;
      this.gazeTarget.yaw = away ? SACCADE.yaw * (2 * this.random() - 1) : 0.2 * SACCADE.yaw * (2 * this.random() - 1);
      this.gazeTarget.pitch = away ? SACCADE.pitch * (2 * this.random() - 1) : 0;
      this.nextSaccade = t + SACCADE.every[0] + (SACCADE.every[1] - SACCADE.every[0]) * this.random();
    }
    this.gaze.yaw += k(SACCADE.tau) * (this.gazeTarget.yaw * this.envelope - this.gaze.yaw);
    this.gaze.pitch += k(SACCADE.tau) * (this.gazeTarget.pitch * this.envelope - this.gaze.pitch);

    const e = this.envelope;
    const r = new Float32Array(HEAD_ROTATIONS.length);
    r[0] = e * this.drift.yaw;
    // a nod tips the head down (negative pitch); a high voice lifts it a little
    r[1] = e * (this.drift.pitch + PITCH_LEAN_RAD_PER_SEMITONE * Math.max(-4, Math.min(6, semitones))) - this.nod;
    r[2] = e * this.drift.roll;
    r[3] = r[6] = this.gaze.yaw;
    r[4] = r[7] = this.gaze.pitch;

    const up = this.brow;
    weights[I.browInnerUp] = Math.max(weights[I.browInnerUp] ?? 0, up);
    weights[I.browOuterUpLeft] = Math.max(weights[I.browOuterUpLeft] ?? 0, 0.7 * up);
    weights[I.browOuterUpRight] = Math.max(weights[I.browOuterUpRight] ?? 0, 0.7 * up);
    writeEyeLook(this.gaze.yaw, this.gaze.pitch, weights);
    return r;
  }

  /** semitones of this F0 above the voice's running middle (0 when unvoiced) */
  private semitones(f0: number): number {
    if (f0 <= 0) return 0;
    const l = Math.log2(f0);
    this.voicedFrames++;
    // the middle settles over the first ~half second of voice, then follows slowly
    const a = Math.max(0.01, 1 / this.voicedFrames);
    this.refLog2 += a * (l - this.refLog2);
    return 12 * (l - this.refLog2);
  }
}

/** The ARKit eyeLook curves for a gaze (both eyes alike): yaw > 0 = left eye out, right eye in. */
function writeEyeLook(yaw: number, pitch: number, w: Float32Array): void {
  const y = Math.min(1, Math.abs(yaw) / EYE_LOOK_RANGE_RAD);
  const p = Math.min(1, Math.abs(pitch) / EYE_LOOK_RANGE_RAD);
  w[I.eyeLookOutLeft] = yaw > 0 ? y : 0;
  w[I.eyeLookInLeft] = yaw < 0 ? y : 0;
  w[I.eyeLookInRight] = yaw > 0 ? y : 0;
  w[I.eyeLookOutRight] = yaw < 0 ? y : 0;
  w[I.eyeLookUpLeft] = w[I.eyeLookUpRight] = pitch > 0 ? p : 0;
  w[I.eyeLookDownLeft] = w[I.eyeLookDownRight] = pitch < 0 ? p : 0;
}
