import OpenAI, { toFile } from "openai";
import type { Language } from "@mirror/protocol";
import { MIC_SAMPLE_RATE } from "@mirror/protocol";
import { encodeWav } from "../../../audio/wav.js";
import { AsyncQueue } from "../../../core/async-queue.js";
import type { Health, StageInfo } from "../../../core/contracts/common.js";
import type { Stt, SttEvent, SttStream, SttStreamOptions } from "../../../core/contracts/stt.js";
import { isAbort, ProviderError, toProviderError } from "../../../core/errors.js";

export interface WhisperServerSttOptions {
  /** e.g. http://gpu-box:8000/v1 (faster-whisper-server / speaches, vLLM), http://host:8080/v1 (whisper.cpp server); default OpenAI */
  baseUrl?: string;
  /** from OPENAI_API_KEY; local servers take any */
  apiKey?: string;
  /** e.g. "whisper-1", "Systran/faster-whisper-small", "large-v3" */
  model: string;
  /** whole-request timeout (upload, transcription and answer), ms; default 15 000 */
  timeoutMs?: number;
  /** utterances longer than this are cut (a server limit and a runaway guard), s; default 30 */
  maxSeconds?: number;
  /** an optional prompt (names, phrases of the experience) that biases the decoder */
  prompt?: string;
  /** injected for tests */
  fetch?: typeof fetch;
  id?: string;
}

/**
 * Whisper on any OpenAI-compatible `/v1/audio/transcriptions` server (faster-whisper-server, whisper.cpp server,
 * vLLM, LocalAI, OpenAI) through the official `openai` client. Not streaming: the utterance is sent as one 16 kHz
 * WAV when it ends, and the one final comes back; the utterance's AbortSignal aborts the request.
 */
export class WhisperServerStt implements Stt {
  readonly info: StageInfo;
  readonly capabilities = { streaming: false, partials: false, sampleRate: 16000 } as const;
  private readonly client: OpenAI;
  private readonly maxSamples: number;

  constructor(private readonly o: WhisperServerSttOptions) {
    const id = o.id ?? "stt/whisper-server";
    if (!o.model) throw new ProviderError(id, "no model configured", { retryable: false });
    this.info = { id, stage: "stt", languages: ["en", "nl"], local: false };
    this.maxSamples = Math.round((o.maxSeconds ?? 30) * MIC_SAMPLE_RATE);
    this.client = new OpenAI({
      apiKey: o.apiKey || "not-needed",
      ...(o.baseUrl ? { baseURL: o.baseUrl } : {}),
      ...(o.fetch ? { fetch: o.fetch } : {}),
      maxRetries: 0,
      timeout: o.timeoutMs ?? 15_000,
      // the client would print a malformed body, which may hold the visitor's words
      logLevel: "off",
    });
  }

  open(opts: SttStreamOptions): SttStream {
    const events = new AsyncQueue<SttEvent>();
    const chunks: Int16Array[] = [];
    let samples = 0;
    let ended = false;
    const { signal } = opts;
    if (signal.aborted) events.close();
    else signal.addEventListener("abort", () => events.close(), { once: true });
    return {
      events,
      push: (pcm) => {
        if (ended || signal.aborted || samples >= this.maxSamples) return;
        const take = pcm.subarray(0, this.maxSamples - samples);
        chunks.push(take.slice());
        samples += take.length;
      },
      end: () => {
        if (ended || signal.aborted) return;
        ended = true;
        void this.finish(chunks, samples, opts.language, signal, events);
      },
    };
  }

  private async finish(chunks: Int16Array[], samples: number, language: Language, signal: AbortSignal, events: AsyncQueue<SttEvent>): Promise<void> {
    const pcm = new Int16Array(samples);
    let o = 0;
    for (const c of chunks) {
      pcm.set(c, o);
      o += c.length;
    }
    chunks.length = 0;
    try {
      // nothing to hear: no request (whisper tends to invent words for silence)
      const text = silent(pcm) ? "" : await this.request(pcm, language, signal);
      pcm.fill(0);
      if (signal.aborted) return;
      events.push({ type: "final", text });
      events.close();
    } catch (err) {
      pcm.fill(0);
      if (isAbort(err, signal)) events.close();
      else events.fail(toProviderError(this.info.id, err));
    }
  }

  private async request(pcm: Int16Array, language: Language, signal: AbortSignal): Promise<string> {
    const wav = encodeWav(pcm, MIC_SAMPLE_RATE);
    const file = await toFile(wav, "utterance.wav", { type: "audio/wav" });
    // the client's own timeout stops at the headers: a server that dribbles its answer needs a whole-request limit
    const timeoutMs = this.o.timeoutMs ?? 15_000;
    const limit = AbortSignal.timeout(timeoutMs);
    let result: unknown;
    try {
      result = await this.client.audio.transcriptions.create(
        { file, model: this.o.model, language, response_format: "json", ...(this.o.prompt ? { prompt: this.o.prompt } : {}) },
        { signal: AbortSignal.any([signal, limit]) },
      );
    } catch (err) {
      if (limit.aborted && !signal.aborted) throw new ProviderError(this.info.id, `no answer within ${timeoutMs} ms (timeout)`, { retryable: true, cause: err });
      throw err;
    }
    const text = (result as { text?: unknown } | null)?.text;
    if (typeof text !== "string") throw new ProviderError(this.info.id, "malformed answer (no text field)", { retryable: true });
    return text.trim();
  }

  async health(): Promise<Health> {
    try {
      await this.client.models.list({ signal: AbortSignal.timeout(3000) });
      return { ok: true, detail: `${this.o.model} on ${this.o.baseUrl ?? "api.openai.com"}` };
    } catch (err) {
      return { ok: false, detail: toProviderError(this.info.id, err).message };
    }
  }
}

/** Below -65 dBFS peak-ish: digital silence or a muted mic. */
function silent(pcm: Int16Array): boolean {
  let peak = 0;
  for (const v of pcm) peak = Math.max(peak, Math.abs(v));
  return peak < 20;
}

export function createWhisperServerStt(opts: WhisperServerSttOptions): WhisperServerStt {
  return new WhisperServerStt(opts);
}
