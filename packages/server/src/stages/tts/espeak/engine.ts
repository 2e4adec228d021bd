/**
 * The process-wide espeak-ng instance. espeak is a global singleton (one voice, one parameter set,
 * one callback), so every synthesis runs alone, in arrival order, through `speak()`.
 */
import { AbortedError } from "../../../core/errors.js";
import { int16ToFloat32 } from "../../../audio/pcm.js";
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
  private tail: Promise<void> = Promise.resolve();

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
  async *speak(text: string, settings: SpeakSettings, signal: AbortSignal): AsyncGenerator<RawChunk> {
    const release = await this.acquire(signal);
    const queue: RawChunk[] = [];
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
      this.lib.setVoiceByName(settings.voice);
      this.lib.setParameter("rate", clamp(settings.rate, 80, 450));
      this.lib.setParameter("pitch", clamp(settings.pitch, 0, 100));
      this.lib.setParameter("range", clamp(settings.range, 0, 100));
      this.lib.setHandler((wav, events) => {
        if (stop) return true;
        if (wav !== null && (wav.length > 0 || events.length > 0)) queue.push({ pcm: int16ToFloat32(wav), events });
        else if (events.length > 0) queue.push({ pcm: new Float32Array(0), events });
        notify();
        return false;
      });
      // espeak is free again as soon as it has finished (or stopped): the rest waits in `queue`, so a
      // consumer that stops pulling without closing the iterator cannot block later syntheses
      void this.lib
        .synth(text)
        .catch((err: unknown) => {
          failure = err;
        })
        .finally(() => {
          done = true;
          this.lib.setHandler(() => true);
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
      if (failure !== null) throw failure instanceof Error ? failure : new Error(String(failure));
    } finally {
      // makes espeak stop at its next buffer if it is still running
      stop = true;
      signal.removeEventListener("abort", onAbort);
      if (!started) release();
    }
  }

  /** Serializes access; a caller aborted while waiting leaves the line without holding it. */
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
