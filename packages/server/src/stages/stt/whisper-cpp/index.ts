import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import type { Health, StageInfo } from "../../../core/contracts/common.js";
import type { Stt, SttCapabilities, SttEvent, SttStream, SttStreamOptions } from "../../../core/contracts/stt.js";
import { deadline } from "../../../core/deadline.js";
import { ProviderError } from "../../../core/errors.js";
import { EventQueue } from "../pocketsphinx/queue.js";

const ID = "stt/whisper-cpp";

/** The part of @fugood/whisper.node's WhisperContext this provider uses. */
export interface WhisperCppContext {
  transcribeData(
    audio: ArrayBuffer,
    options: { language?: string; maxThreads?: number; temperature?: number; temperatureInc?: number },
  ): { stop: () => Promise<void>; promise: Promise<{ result: string }> };
  release(): Promise<void>;
}
export type WhisperCppLoader = (modelPath: string) => Promise<WhisperCppContext>;

export interface WhisperCppOptions {
  /** a whisper.cpp ggml model (e.g. ggml-tiny.en.bin, ggml-base.bin) the operator provides; no package ships one */
  modelPath: string;
  /** CPU threads per transcription; default 2 */
  threads?: number;
  /**
   * whisper.cpp re-decodes at a higher temperature when a result looks unreliable (its CLI default 0.2, up to 5
   * more passes); default 0 here: one greedy pass, so a hard utterance cannot multiply the visitor's wait.
   */
  temperatureInc?: number;
  /**
   * How long one transcription may take: `limitMs.base` + `limitMs.perAudioSecond` × the utterance's length; default
   * 10 s + 1 s per second of audio. The limit matters: when whisper.cpp fails inside a transcription, the binding
   * never settles its promise (its error callback passes one argument where its resolver waits for two).
   */
  limitMs?: { base: number; perAudioSecond: number };
  /** injected in tests; default loads the prebuilt CPU binary from a local path (never a model URL) */
  load?: WhisperCppLoader;
}

type NativeModule = {
  WhisperContext: (new (options: { filePath: string; useGpu: boolean }) => WhisperCppContext | Promise<WhisperCppContext>) & {
    toggleNativeLog?: (enable: boolean, callback?: (level: string, text: string) => void) => void;
  };
};
// only the CPU binary of @fugood/whisper.node (2.8 MB, optional: linux-x64); its wrapper would pull 250 MB of CUDA/Vulkan builds
const NATIVE = `@fugood/node-whisper-${process.platform}-${process.arch}`;

const defaultLoader: WhisperCppLoader = async (modelPath) => {
  let native: NativeModule;
  try {
    native = createRequire(import.meta.url)(NATIVE) as NativeModule;
  } catch (err) {
    throw new Error(`the prebuilt whisper.cpp binary ${NATIVE} is not installed for this platform`, { cause: err });
  }
  // whisper.cpp prints its model details and progress to stderr unless a callback takes them (switching the log
  // "off" only restores that default); the provider reports its own failures
  native.WhisperContext.toggleNativeLog?.(true, () => undefined);
  return await new native.WhisperContext({ filePath: modelPath, useGpu: false });
};

/** In-process whisper.cpp: not streaming, so the whole utterance is transcribed on end(). */
export class WhisperCppStt implements Stt {
  readonly info: StageInfo = { id: ID, stage: "stt", languages: ["en", "nl"], local: true };
  readonly capabilities: SttCapabilities = { streaming: false, partials: false, sampleRate: 16000 };
  private context: Promise<WhisperCppContext> | null = null;

  constructor(private readonly o: WhisperCppOptions) {}

  warmup(): Promise<void> {
    return this.loaded().then(() => undefined);
  }

  async health(): Promise<Health> {
    try {
      await this.loaded();
      return { ok: true, detail: `whisper.cpp, model ${this.o.modelPath}` };
    } catch (err) {
      return { ok: false, detail: err instanceof Error ? err.message : String(err) };
    }
  }

  async close(): Promise<void> {
    const ctx = this.context;
    this.context = null;
    await ctx?.then((c) => c.release()).catch(() => undefined);
  }

  /** Loads the model once; a missing or unreadable model is a non-retryable ProviderError (and is retried on next use). */
  private loaded(): Promise<WhisperCppContext> {
    this.context ??= (async () => {
      if (!existsSync(this.o.modelPath)) {
        throw new ProviderError(ID, `whisper.cpp model not found at ${this.o.modelPath} (provide a ggml model, e.g. ggml-tiny.en.bin; none ships with npm)`, { retryable: false });
      }
      try {
        return await (this.o.load ?? defaultLoader)(this.o.modelPath);
      } catch (err) {
        throw new ProviderError(ID, `cannot load ${this.o.modelPath} as a whisper.cpp ggml model: ${err instanceof Error ? err.message : String(err)}`, { retryable: false, cause: err });
      }
    })();
    this.context.catch(() => (this.context = null));
    return this.context;
  }

  open(opts: SttStreamOptions): SttStream {
    const queue = new EventQueue<SttEvent>();
    const chunks: Int16Array[] = [];
    let ended = false;
    let stop: (() => Promise<void>) | null = null;
    const onAbort = () => {
      queue.clear();
      queue.close();
      void stop?.().catch(() => undefined);
    };
    if (opts.signal.aborted) queue.close();
    else opts.signal.addEventListener("abort", onAbort, { once: true });
    return {
      events: queue,
      push: (pcm) => {
        if (!ended && !opts.signal.aborted && pcm.length) chunks.push(pcm.slice());
      },
      end: () => {
        if (ended || opts.signal.aborted) return;
        ended = true;
        const audio = new Int16Array(chunks.reduce((n, c) => n + c.length, 0));
        chunks.reduce((at, c) => (audio.set(c, at), at + c.length), 0);
        chunks.length = 0;
        if (isSilent(audio)) {
          // no audio, or silence (for which Whisper writes text: "Thank you."): an empty final, without asking it
          queue.push({ type: "final", text: "" });
          queue.close();
          return;
        }
        const limit = this.o.limitMs ?? { base: 10_000, perAudioSecond: 1_000 };
        const limitMs = limit.base + (limit.perAudioSecond * audio.length) / 16_000;
        this.loaded()
          .then(async (ctx) => {
            const job = ctx.transcribeData(audio.buffer, { language: opts.language, maxThreads: this.o.threads ?? 2, temperature: 0, temperatureInc: this.o.temperatureInc ?? 0 });
            stop = job.stop;
            const { result } = await deadline(
              job.promise,
              limitMs,
              () => new ProviderError(ID, `whisper.cpp gave no result within ${Math.round(limitMs)} ms`, { retryable: true }),
              () => void job.stop().catch(() => undefined),
            );
            if (opts.signal.aborted) return;
            opts.signal.removeEventListener("abort", onAbort);
            queue.push({ type: "final", text: result.trim() });
            queue.close();
          })
          .catch((err: unknown) => {
            if (opts.signal.aborted) return;
            queue.fail(err instanceof ProviderError ? err : new ProviderError(ID, `transcription failed: ${err instanceof Error ? err.message : String(err)}`, { retryable: true, cause: err }));
          });
      },
    };
  }
}

/** No samples, digital silence or a hum below -60 dBFS peak: no speech for Whisper to find. */
function isSilent(pcm: Int16Array): boolean {
  for (const v of pcm) if (v > 32 || v < -32) return false;
  return true;
}

export function createWhisperCppStt(opts: WhisperCppOptions): WhisperCppStt {
  return new WhisperCppStt(opts);
}
