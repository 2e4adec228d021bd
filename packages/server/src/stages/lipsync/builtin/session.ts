/**
 * One turn of lip-sync, streaming: a frame goes out as soon as the audio it needs (its sample plus the
 * look-ahead) has been pushed, and, once phonemes have been seen, as soon as they reach that far too.
 * After "end", a few frames past the audio let the mouth settle instead of freezing mid-syllable.
 */
import { BLENDSHAPE_INDEX, MOUTH_SHAPES } from "@mirror/protocol";
import { AsyncQueue } from "../../../core/async-queue.js";
import type { LipFrame, LipsyncInput, LipsyncOptions, LipsyncSession } from "../../../core/contracts/lipsync.js";
import { FaceAnimator } from "./animator.js";
import type { AnimatorOptions } from "./animator.js";

/** audio this far past the phonemes means none are coming for it: the frames go on from audio alone */
const MAX_PHONEME_LAG_S = 0.3;
/** after the last audio, frames go on (over silence) until the mouth has settled, at most this long */
const MAX_TAIL_S = 0.3;
const REST_LEVEL = 0.02;
const MOUTH = MOUTH_SHAPES.map((n) => BLENDSHAPE_INDEX[n]);

export class BuiltinLipsyncSession implements LipsyncSession {
  readonly frames: AsyncIterable<LipFrame>;
  private readonly queue = new AsyncQueue<LipFrame>();
  private readonly animator: FaceAnimator;
  private readonly lookaheadSamples: number;
  private readonly maxLagSamples: number;
  private next = 0;
  private mouth = 0;
  private ended = false;
  private stopped = false;

  constructor(
    private readonly opts: LipsyncOptions,
    animator: Omit<AnimatorOptions, "sampleRate" | "fps">,
  ) {
    this.animator = new FaceAnimator({ ...animator, sampleRate: opts.sampleRate, fps: opts.fps });
    this.lookaheadSamples = Math.round(animator.lookahead * opts.sampleRate);
    this.maxLagSamples = Math.round(MAX_PHONEME_LAG_S * opts.sampleRate);
    this.frames = this.queue;
    if (opts.signal.aborted) this.stop();
    else opts.signal.addEventListener("abort", () => this.stop(), { once: true });
  }

  push(input: LipsyncInput): void {
    if (this.stopped || this.ended) return;
    switch (input.type) {
      case "audio":
        this.animator.features.push(input.pcm, input.sample);
        this.animator.pitch.push(input.pcm, input.sample);
        break;
      case "phoneme":
        this.animator.phonemes.add(input.phoneme, input.alphabet, input.startSample, input.endSample);
        break;
      case "word":
        // phonemes carry everything the mouth needs; word timings alone do not say its shape
        break;
      case "end":
        this.ended = true;
        break;
    }
    this.pump();
  }

  private frameSample(n: number): number {
    return Math.round((n * this.opts.sampleRate) / this.opts.fps);
  }

  private ready(sample: number): boolean {
    if (this.ended) {
      const end = this.animator.features.end;
      return sample < end || (end > 0 && this.mouth > REST_LEVEL && sample < end + MAX_TAIL_S * this.opts.sampleRate);
    }
    const need = sample + this.lookaheadSamples;
    const audioEnd = this.animator.features.end;
    if (audioEnd < need) return false;
    const track = this.animator.phonemes;
    if (track.empty) return true;
    return track.coverage >= need || audioEnd - track.coverage > this.maxLagSamples;
  }

  private pump(): void {
    for (let s = this.frameSample(this.next); !this.stopped && this.ready(s); s = this.frameSample(this.next)) {
      const { weights, rotations } = this.animator.frame(s);
      this.mouth = Math.max(...MOUTH.map((k) => weights[k] ?? 0));
      this.queue.push({ sample: s, weights, rotations });
      this.next++;
    }
    if (this.ended && !this.stopped) {
      this.stopped = true;
      this.queue.close();
    }
  }

  private stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.queue.clear();
    this.queue.close();
  }
}
