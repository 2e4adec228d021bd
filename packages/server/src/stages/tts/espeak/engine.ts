/**
 * The process-wide espeak-ng instance. espeak is a global singleton (one voice, one parameter set,
 * one callback), so every synthesis runs alone, in arrival order, through `speak()`.
 */
import { concatPcm, int16ToFloat32 } from "../../../audio/pcm.js";
import { callbackStream, EngineLine } from "../shared/engine-stream.js";
import { loadEspeak } from "./ffi.js";
import type { EspeakLib, RawEvent } from "./ffi.js";

export interface SpeakSettings {
  /** espeak voice name, e.g. "en-us+f3" */
  voice: string;
  /** base pitch 0–100 */
  pitch: number;
  /** words per minute 80–450 */
  rate: number;
  /** pitch range 0–100 */
  range: number;
}

export interface RawChunk {
  pcm: Float32Array;
  /** events delivered with this buffer (positions may point anywhere in the synthesis so far) */
  events: RawEvent[];
}

export interface EngineOptions {
  libPath?: string;
  /** directory containing espeak-ng-data; null = the library's default */
  dataPath?: string | null;
  /** length of the buffers espeak hands over (ms): smaller = earlier first audio, more callbacks */
  bufferMs?: number;
}

export class EspeakEngine {
  readonly sampleRate: number;
  private readonly line = new EngineLine();

  private constructor(
    private readonly lib: EspeakLib,
    sampleRate: number,
  ) {
    this.sampleRate = sampleRate;
  }

  static create(opts: EngineOptions = {}): EspeakEngine {
    const lib = loadEspeak(opts.libPath);
    const rate = lib.initialize(opts.bufferMs ?? 40, opts.dataPath ?? null);
    return new EspeakEngine(lib, rate);
  }

  version(): string {
    return this.lib.version();
  }

  /**
   * Synthesizes `text` and yields buffers as espeak produces them. Waits for earlier syntheses first.
   * Abort (or breaking out of the loop) makes espeak stop at its next buffer; abort throws AbortedError.
   */
  speak(text: string, settings: SpeakSettings, signal: AbortSignal): AsyncGenerator<RawChunk> {
    return callbackStream<RawChunk>(
      this.line,
      signal,
      (sink) => {
        this.lib.setVoiceByName(settings.voice);
        this.lib.setParameter("rate", clamp(settings.rate, 80, 450));
        this.lib.setParameter("pitch", clamp(settings.pitch, 0, 100));
        this.lib.setParameter("range", clamp(settings.range, 0, 100));
        this.lib.setHandler((wav, events) => {
          if (sink.stopped) return true;
          if (wav !== null && (wav.length > 0 || events.length > 0)) sink.push({ pcm: int16ToFloat32(wav), events });
          else if (events.length > 0) sink.push({ pcm: new Float32Array(0), events });
          return false;
        });
        return this.lib.synth(text);
      },
      () => this.lib.setHandler(() => true),
    );
  }

  /** Whole utterance at once (calibration and similarity probes). */
  async render(text: string, settings: SpeakSettings, signal: AbortSignal): Promise<Float32Array> {
    const parts: Float32Array[] = [];
    for await (const chunk of this.speak(text, settings, signal)) parts.push(chunk.pcm);
    return concatPcm(parts);
  }
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, Math.round(v)));
}

let shared: EspeakEngine | null = null;
let sharedError: Error | null = null;

/** The one engine of this process (espeak can be initialized once); later options are ignored. */
export function sharedEngine(opts: EngineOptions = {}): EspeakEngine {
  if (shared) return shared;
  if (sharedError) throw sharedError;
  try {
    shared = EspeakEngine.create(opts);
    return shared;
  } catch (err) {
    sharedError = err instanceof Error ? err : new Error(String(err));
    throw sharedError;
  }
}
