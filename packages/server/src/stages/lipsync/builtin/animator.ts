/**
 * One face pose per frame from what is known around its sample: the phoneme track where it covers the
 * frame, the audio's band energies otherwise; jaw scaled by loudness, mouth at rest in silence,
 * attack/release smoothing, then blinks and brows.
 */
import { ARKIT_52, BLENDSHAPE_INDEX } from "@mirror/protocol";
import { seededRandom, type Random } from "../../../core/clock.js";
import { PhonemeTrack } from "./coarticulation.js";
import { AudioFeatures } from "./features.js";
import type { FrameFeatures } from "./features.js";
import { HeadAndGaze } from "./head.js";
import { FaceLife } from "./life.js";
import { PitchTracker } from "./pitch.js";
import { FAST_SHAPES, JAW_FOLLOWERS, pairIndices } from "./poses.js";

export interface AnimatorOptions {
  sampleRate: number;
  fps: number;
  /** audio (and phonemes) needed past a frame before it is computed (s) */
  lookahead: number;
  random: Random;
  blinks: boolean;
}

/** the phoneme pose is taken this much ahead: lips move slightly before the sound they shape */
const VISUAL_LEAD_S = 0.015;
const FEATURE_HALF_S = 0.02;
/**
 * The mouth opens and closes with the voice: a gate that ramps across each voiced edge over 2 × GATE_RAMP_S,
 * centred GATE_LEAD_S before the edge so the smoothed jaw crosses "open" on the edge itself. Pauses up to
 * GAP_FILL_S inside a phrase (a stop's closure) keep it open when the voice is seen to come back.
 */
const GATE_RAMP_S = 0.015;
const GATE_LEAD_S = 0;
const GAP_FILL_S = 0.08;
const VOICE_BIN_S = 0.005;
/** a 5 ms bin is voice when it is at most this far under the loudest bin so far */
const VOICED_BELOW_PEAK_DB = 30;
/** loudness is measured against the loudest frame so far, never below this */
const MIN_PEAK_DB = -30;
const INITIAL_PEAK_DB = -22;
const DYNAMIC_RANGE_DB = 36;
const SILENCE_DB = -60;
const SMOOTH = { attack: 0.025, release: 0.05, fastAttack: 0.012, fastRelease: 0.03 };
const SYLLABLE_PEAK_MIN = 0.8;

const I = BLENDSHAPE_INDEX;
const STRETCH = pairIndices("mouthStretch");
const SMILE = pairIndices("mouthSmile");
const LOWER_DOWN = pairIndices("mouthLowerDown");
const UPPER_UP = pairIndices("mouthUpperUp");
const N = ARKIT_52.length;

export class FaceAnimator {
  readonly features: AudioFeatures;
  readonly pitch: PitchTracker;
  private readonly head: HeadAndGaze;
  readonly phonemes: PhonemeTrack;
  private readonly life: FaceLife;
  private readonly smoothed = new Float32Array(N);
  private readonly target = new Float32Array(N);
  private peakDb = INITIAL_PEAK_DB;
  private binPeakDb = INITIAL_PEAK_DB;
  private closure = 0;
  private readonly alpha: { attack: number; release: number; fastAttack: number; fastRelease: number };
  private readonly s: (seconds: number) => number;

  constructor(private readonly opts: AnimatorOptions) {
    this.features = new AudioFeatures(opts.sampleRate);
    this.phonemes = new PhonemeTrack(opts.sampleRate);
    this.life = new FaceLife(opts.sampleRate, opts.random, opts.blinks);
    this.pitch = new PitchTracker(opts.sampleRate);
    // its own random sequence, so head and gaze do not shift the blinks of a seeded face
    this.head = new HeadAndGaze(opts.sampleRate, opts.fps, seededRandom(Math.floor(opts.random() * 2 ** 31)));
    const a = (tau: number) => 1 - Math.exp(-1 / (opts.fps * tau));
    this.alpha = { attack: a(SMOOTH.attack), release: a(SMOOTH.release), fastAttack: a(SMOOTH.fastAttack), fastRelease: a(SMOOTH.fastRelease) };
    this.s = (seconds) => Math.round(seconds * opts.sampleRate);
  }

  /** The pose of the frame at `sample` (weights and what speech adds to head and eyes); frames in order. */
  frame(sample: number): { weights: Float32Array; rotations: Float32Array } {
    const here = this.features.at(sample, this.s(FEATURE_HALF_S));
    if (here.db > this.peakDb) this.peakDb = Math.max(MIN_PEAK_DB, here.db);
    const loud = this.loudness(here.db);

    const t = this.target;
    const usePhonemes = !this.phonemes.empty && sample < this.phonemes.coverage + this.s(0.1);
    let closure = 0;
    if (usePhonemes) {
      closure = smoothstep(0.3, 0.7, this.phonemes.poseAt(sample + this.s(VISUAL_LEAD_S), t));
      const jaw = 0.5 + 0.5 * this.loudMax(sample - this.s(0.03), sample + this.s(0.03));
      for (const k of JAW_FOLLOWERS) t[k] = (t[k] ?? 0) * jaw;
      this.phonemes.prune(sample);
    } else {
      audioPose(here, loud, t);
    }
    const a = this.alpha;
    for (let k = 0; k < N; k++) {
      const prev = this.smoothed[k] ?? 0;
      const next = t[k] ?? 0;
      const fast = FAST_SHAPES.has(k);
      const alpha = next > prev ? (fast ? a.fastAttack : a.attack) : fast ? a.fastRelease : a.release;
      this.smoothed[k] = prev + alpha * (next - prev);
    }
    this.closure += (closure > this.closure ? a.fastAttack : a.fastRelease) * (closure - this.closure);
    const gate = this.voiceGate(sample);
    const out = new Float32Array(N);
    for (let k = 0; k < N; k++) out[k] = clamp01((this.smoothed[k] ?? 0) * gate);
    // ARKit's mouthClose closes the lips over an open jaw: seal them for p/b/m whatever the jaw does
    out[I.mouthClose] = Math.max(out[I.mouthClose] ?? 0, this.closure * (out[I.jawOpen] ?? 0));
    const peak = this.syllablePeak(sample, loud);
    this.life.apply(sample, peak, out);
    const rotations = this.head.step(sample, { f0: this.pitch.at(sample), loud, syllablePeak: peak, speaking: gate }, out);
    return { weights: out, rotations };
  }

  private loudness(db: number): number {
    if (db <= SILENCE_DB) return 0;
    return clamp01((db - (this.peakDb - DYNAMIC_RANGE_DB)) / (DYNAMIC_RANGE_DB - 6));
  }

  /** Share of voiced bins in the ramp window around this frame (shifted by the lead), pauses filled. */
  private voiceGate(sample: number): number {
    const bin = this.s(VOICE_BIN_S);
    const centre = sample + this.s(GATE_LEAD_S);
    let voiced = 0;
    let all = 0;
    for (let x = centre - this.s(GATE_RAMP_S); x <= centre + this.s(GATE_RAMP_S); x += bin) {
      all++;
      if (this.voicedAt(x, bin) || this.insidePause(x, bin)) voiced++;
    }
    return all ? voiced / all : 0;
  }

  private voicedAt(x: number, bin: number): boolean {
    if (x < 0 || x >= this.features.end) return false;
    const centre = Math.floor(x / bin) * bin + (bin >> 1);
    const db = this.features.at(centre, bin >> 1).db;
    if (db > this.binPeakDb) this.binPeakDb = Math.max(MIN_PEAK_DB, db);
    return db > this.binPeakDb - VOICED_BELOW_PEAK_DB;
  }

  /** a short pause with voice on both sides, as far as the audio is known */
  private insidePause(x: number, bin: number): boolean {
    const fill = this.s(GAP_FILL_S);
    let before = -1;
    for (let d = bin; d <= fill; d += bin) {
      if (this.voicedAt(x - d, bin)) {
        before = d;
        break;
      }
    }
    if (before < 0) return false;
    for (let d = bin; d + before <= fill; d += bin) if (this.voicedAt(x + d, bin)) return true;
    return false;
  }

  private loudMax(from: number, to: number): number {
    const step = this.s(0.01);
    let best = 0;
    for (let x = from; x <= to; x += step) best = Math.max(best, this.loudness(this.features.at(x, step).db));
    return best;
  }

  /** loudness when this frame is the top of a loud syllable (higher than 40 ms either side), else 0 */
  private syllablePeak(sample: number, loud: number): number {
    if (loud < SYLLABLE_PEAK_MIN) return 0;
    const d = this.s(0.04);
    const half = this.s(FEATURE_HALF_S);
    const before = this.loudness(this.features.at(sample - d, half).db);
    const after = this.loudness(this.features.at(sample + d, half).db);
    return loud >= before && loud > after ? loud : 0;
  }
}

/** Mouth from audio alone: loudness opens the jaw, F1-heavy spectra round the lips, F2/F3-heavy spread them. */
function audioPose(f: FrameFeatures, loud: number, out: Float32Array): void {
  out.fill(0);
  if (loud <= 0) return;
  // hiss: energy above 4 kHz, or (for narrow-band audio) many zero crossings
  const fric = clamp01(Math.max((f.high - 0.25) / 0.35, (f.zcr - 0.3) / 0.25));
  const round = clamp01((f.low - 0.72) / 0.12) * (1 - fric);
  const spread = clamp01((f.mid + f.high - 0.28) / 0.25) * (1 - fric);
  const open = loud ** 1.5;
  out[I.jawOpen] = 0.6 * open * (1 - 0.6 * fric) * (1 - 0.4 * round);
  out[I.mouthFunnel] = 0.45 * round * loud;
  out[I.mouthPucker] = 0.5 * round * loud;
  for (const k of LOWER_DOWN) out[k] = 0.25 * open;
  for (const k of UPPER_UP) out[k] = 0.1 * open + 0.15 * fric * loud;
  for (const k of STRETCH) out[k] = (0.3 * spread + 0.2 * fric) * loud;
  for (const k of SMILE) out[k] = 0.18 * spread * loud;
}

function smoothstep(lo: number, hi: number, x: number): number {
  const c = clamp01((x - lo) / (hi - lo));
  return c * c * (3 - 2 * c);
}

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : Number.isFinite(x) ? x : 0;
}
