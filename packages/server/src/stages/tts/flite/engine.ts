/**
 * The process-wide flite. Its voices keep their settings and the streaming callback globally, so every
 * synthesis runs alone, in arrival order, through `speak()`, with that utterance's settings applied first.
 */
import { AbortedError } from "../../../core/errors.js";
import { int16ToFloat32 } from "../../../audio/pcm.js";
import { loadFlite } from "./ffi.js";
import type { FliteLib, FliteSegment, FliteVoiceHandle, FliteVoiceName } from "./ffi.js";

export interface FliteSettings {
  voice: FliteVoiceName;
  /** Hz; null = the voice's own */
  f0MeanHz: number | null;
  f0StddevHz: number | null;
  /** >1 speaks slower */
  durationStretch: number;
  /** mel-cepstral warping at synthesis; null = the voice's own */
  alpha: number | null;
}

export interface FliteChunk {
  pcm: Float32Array;
  /** the utterance's phone segments, with the first chunk only */
  segments: FliteSegment[] | null;
}

export class FliteEngine {
  private tail: Promise<void> = Promise.resolve();
  constructor(private readonly lib: FliteLib) {}

  voice(name: FliteVoiceName): FliteVoiceHandle {
    return this.lib.voice(name);
  }

  /** Yields audio as flite makes it; abort (or leaving the loop) stops flite at its next buffer. */
  async *speak(text: string, s: FliteSettings, signal: AbortSignal): AsyncGenerator<FliteChunk> {
    const release = await this.acquire(signal);
    const v = this.lib.voice(s.voice);
    const queue: FliteChunk[] = [];
    let stop = false;
    let done = false;
    let failure: unknown = null;
    let wake: (() => void) | null = null;
    const notify = () => {
      const w = wake;
      wake = null;
      w?.();
    };
    const onAbort = () => {
      stop = true;
      notify();
    };
    signal.addEventListener("abort", onAbort);
    let started = false;
    try {
      v.setFloat("int_f0_target_mean", s.f0MeanHz ?? v.baseF0Hz);
      if (s.f0StddevHz !== null) v.setFloat("int_f0_target_stddev", s.f0StddevHz);
      v.setFloat("duration_stretch", s.durationStretch);
      v.setAlpha(s.alpha ?? v.baseAlpha);
      let first = true;
      const synthesis = v.synth(text, (pcm, _last, segments) => {
        if (stop) return true;
        queue.push({ pcm: int16ToFloat32(pcm), segments: first ? segments() : null });
        first = false;
        notify();
        return false;
      });
      // flite is free for the next utterance once it has finished; what it made waits in `queue`
      void synthesis
        .catch((err: unknown) => {
          failure = err;
        })
        .finally(() => {
          done = true;
          release();
          notify();
        });
      started = true;
      for (;;) {
        if (signal.aborted) throw new AbortedError(String(signal.reason ?? "aborted"));
        const next = queue.shift();
        if (next) {
          yield next;
          continue;
        }
        if (done) break;
        await new Promise<void>((resolve) => (wake = resolve));
      }
      if (failure !== null && !stop) throw failure instanceof Error ? failure : new Error(String(failure));
    } finally {
      stop = true;
      signal.removeEventListener("abort", onAbort);
      if (!started) release();
    }
  }

  /** Whole utterance at once (calibration and similarity probes). */
  async render(text: string, s: FliteSettings, signal: AbortSignal): Promise<Float32Array> {
    const parts: Float32Array[] = [];
    for await (const c of this.speak(text, s, signal)) parts.push(c.pcm);
    const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let off = 0;
    for (const p of parts) {
      out.set(p, off);
      off += p.length;
    }
    return out;
  }

  private acquire(signal: AbortSignal): Promise<() => void> {
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const before = this.tail;
    this.tail = before.then(() => mine);
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        reject(new AbortedError(String(signal.reason ?? "aborted")));
        void before.then(release);
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener("abort", onAbort, { once: true });
      void before.then(() => {
        signal.removeEventListener("abort", onAbort);
        if (signal.aborted) release();
        else resolve(release);
      });
    });
  }
}

let shared: FliteEngine | null = null;

/** Throws when libflite or its voices cannot be loaded. */
export function sharedFliteEngine(): FliteEngine {
  shared ??= new FliteEngine(loadFlite());
  return shared;
}
