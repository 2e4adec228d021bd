/**
 * What a face does besides speaking: blinks at random intervals (about 17 a minute, 150 ms each)
 * and a small brow raise on some loud syllables. Timed in samples, like everything else.
 */
import { BLENDSHAPE_INDEX } from "@mirror/protocol";
import type { Random } from "../../../core/clock.js";

const BLINK_S = 0.15;
const BLINK_CLOSE_S = 0.05;
const BLINK_HOLD_S = 0.02;
/** intervals: a refractory minimum plus an exponential part; mean ≈ 3.5 s ≈ 17 blinks per minute */
const BLINK_MIN_INTERVAL_S = 1.2;
const BLINK_MEAN_EXTRA_S = 2.3;
const BLINK_MAX_INTERVAL_S = 8;

const BROW_RISE_S = 0.08;
const BROW_DECAY_S = 0.3;
const BROW_MIN_GAP_S = 0.8;
const BROW_CHANCE = 0.6;

const EYE_BLINK = [BLENDSHAPE_INDEX.eyeBlinkLeft, BLENDSHAPE_INDEX.eyeBlinkRight];
const EYE_SQUINT = [BLENDSHAPE_INDEX.eyeSquintLeft, BLENDSHAPE_INDEX.eyeSquintRight];
const BROW_INNER = BLENDSHAPE_INDEX.browInnerUp;
const BROW_OUTER = [BLENDSHAPE_INDEX.browOuterUpLeft, BLENDSHAPE_INDEX.browOuterUpRight];

export class FaceLife {
  private nextBlink: number;
  private blinkStart = -Infinity;
  private browStart = -Infinity;
  private browAmount = 0;

  constructor(
    private readonly sampleRate: number,
    private readonly random: Random,
    private readonly blinks: boolean,
  ) {
    // the first blink comes anywhere in a typical interval, so turns do not all blink at the same moment
    this.nextBlink = this.random() * (BLINK_MIN_INTERVAL_S + BLINK_MEAN_EXTRA_S) * sampleRate;
  }

  /**
   * Adds blinks and brows for the frame at `sample` into `out`.
   * `syllablePeak` is the loudness (0–1) when this frame is a loud syllable's peak, else 0.
   */
  apply(sample: number, syllablePeak: number, out: Float32Array): void {
    const sr = this.sampleRate;
    if (this.blinks && sample >= this.nextBlink) {
      this.blinkStart = sample;
      const extra = -Math.log(1 - this.random() * 0.999) * BLINK_MEAN_EXTRA_S;
      this.nextBlink = sample + Math.min(BLINK_MAX_INTERVAL_S, BLINK_MIN_INTERVAL_S + extra) * sr;
    }
    const lid = blinkCurve((sample - this.blinkStart) / sr);
    for (const i of EYE_BLINK) out[i] = Math.max(out[i] ?? 0, lid);
    for (const i of EYE_SQUINT) out[i] = Math.max(out[i] ?? 0, 0.15 * lid);

    if (syllablePeak > 0 && sample - this.browStart >= BROW_MIN_GAP_S * sr && this.random() < BROW_CHANCE) {
      this.browStart = sample;
      this.browAmount = 0.15 + 0.2 * syllablePeak;
    }
    const brow = this.browAmount * browCurve((sample - this.browStart) / sr);
    out[BROW_INNER] = Math.max(out[BROW_INNER] ?? 0, brow);
    for (const i of BROW_OUTER) out[i] = Math.max(out[i] ?? 0, 0.6 * brow);
  }
}

/** 0 → 1 (eased) while closing, held, then back to 0. */
function blinkCurve(t: number): number {
  if (t < 0 || t >= BLINK_S) return 0;
  if (t < BLINK_CLOSE_S) return ease(t / BLINK_CLOSE_S);
  if (t < BLINK_CLOSE_S + BLINK_HOLD_S) return 1;
  return ease(1 - (t - BLINK_CLOSE_S - BLINK_HOLD_S) / (BLINK_S - BLINK_CLOSE_S - BLINK_HOLD_S));
}

function browCurve(t: number): number {
  if (t < 0) return 0;
  if (t < BROW_RISE_S) return ease(t / BROW_RISE_S);
  return Math.exp(-(t - BROW_RISE_S) / BROW_DECAY_S);
}

function ease(x: number): number {
  const c = Math.max(0, Math.min(1, x));
  return c * c * (3 - 2 * c);
}
