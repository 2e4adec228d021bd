/**
 * The process-wide flite. Its voices keep their settings and the streaming callback globally, so every
 * synthesis runs alone, in arrival order, through `speak()`, with that utterance's settings applied first.
 */
import { concatPcm, int16ToFloat32 } from "../../../audio/pcm.js";
import { callbackStream, EngineLine } from "../shared/engine-stream.js";
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
  private readonly line = new EngineLine();
  constructor(private readonly lib: FliteLib) {}

  voice(name: FliteVoiceName): FliteVoiceHandle {
    return this.lib.voice(name);
  }

  /** Yields audio as flite makes it; abort (or leaving the loop) stops flite at its next buffer. */
  speak(text: string, s: FliteSettings, signal: AbortSignal): AsyncGenerator<FliteChunk> {
    return callbackStream<FliteChunk>(this.line, signal, (sink) => {
      const v = this.lib.voice(s.voice);
      v.setFloat("int_f0_target_mean", s.f0MeanHz ?? v.baseF0Hz);
      if (s.f0StddevHz !== null) v.setFloat("int_f0_target_stddev", s.f0StddevHz);
      v.setFloat("duration_stretch", s.durationStretch);
      v.setAlpha(s.alpha ?? v.baseAlpha);
      let first = true;
      return v.synth(text, (pcm, _last, segments) => {
        if (sink.stopped) return true;
        sink.push({ pcm: int16ToFloat32(pcm), segments: first ? segments() : null });
        first = false;
        return false;
      });
    });
  }

  /** Whole utterance at once (calibration and similarity probes). */
  async render(text: string, s: FliteSettings, signal: AbortSignal): Promise<Float32Array> {
    const parts: Float32Array[] = [];
    for await (const c of this.speak(text, s, signal)) parts.push(c.pcm);
    return concatPcm(parts);
  }
}

let shared: FliteEngine | null = null;

/** Throws when libflite or its voices cannot be loaded. */
export function sharedFliteEngine(): FliteEngine {
  shared ??= new FliteEngine(loadFlite());
  return shared;
}
