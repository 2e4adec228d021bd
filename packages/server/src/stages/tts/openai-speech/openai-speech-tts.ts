/**
 * Voice-cloning servers behind the OpenAI-compatible `POST /v1/audio/speech`, through the official
 * `openai` client (baseURL pointed at the server). Servers differ in how they take the reference voice:
 *  - "voice":  a voice already known to the server, by name (no per-visitor clone);
 *  - "field":  the reference WAV (base64 or data URI) and its transcript in extra body fields of every request;
 *  - "upload": the reference uploaded once per visit (multipart) to a server-specific path that
 *              answers with a voice id, used as `voice` afterwards and deleted at purge when `deletePath` is set.
 * Audio is asked for as `pcm` (16-bit little-endian mono at `sampleRate`) and streamed as it arrives.
 */
import OpenAI from "openai";
import type { Language } from "@mirror/protocol";
import type { Health } from "../../../core/contracts/common.js";
import type { Tts, TtsEvent, TtsRequest, VoiceProfile, VoiceSample } from "../../../core/contracts/tts.js";
import { ProviderError, throwIfAborted } from "../../../core/errors.js";
import { resampleSinc } from "../../../audio/resample.js";
import { analyzeVoice } from "../../../audio/analysis.js";
import { encodeWav } from "../../../audio/wav.js";
import { timedStream } from "../../../core/stream-timeouts.js";
import { asSynthesisError, checkRawAudioType, remoteProfile } from "../shared/remote.js";
import { wipeState } from "../shared/wipe-state.js";
import { splitForRequests } from "../shared/text.js";

export type ReferenceMode =
  | { mode: "voice"; voice: string }
  | { mode: "field"; audioField: string; textField?: string; encoding?: "base64" | "data-uri"; voice?: string }
  | { mode: "upload"; path: string; fileField?: string; textField?: string; nameField?: string; idField?: string; deletePath?: string };

export interface OpenAiSpeechTtsOptions {
  /** e.g. http://gpu-box:8000/v1 */
  baseURL: string;
  apiKey?: string;
  model: string;
  reference: ReferenceMode;
  /** rate of the server's `pcm` output (OpenAI: 24000) */
  sampleRate?: number;
  /** rate the reference WAV is sent at */
  referenceSampleRate?: number;
  languages?: Language[];
  speed?: number;
  id?: string;
  /** a reference upload (or deletion) that takes longer fails; default 15 000 ms */
  requestTimeoutMs?: number;
  /** no audio this long after a sentence was asked for: failed (retryable); default 10 000 ms */
  firstAudioTimeoutMs?: number;
  /** no audio this long mid-sentence: failed (retryable); default 5 000 ms */
  idleTimeoutMs?: number;
}

interface SpeechState {
  refWav?: Uint8Array;
  refText?: string;
  voiceId?: string;
}

export function createOpenAiSpeechTts(opts: OpenAiSpeechTtsOptions): Tts {
  const provider = opts.id ?? "tts/openai-speech";
  const sampleRate = opts.sampleRate ?? 24_000;
  const client = new OpenAI({ baseURL: opts.baseURL, apiKey: opts.apiKey ?? "not-needed", maxRetries: 0, logLevel: "off" });
  const timeouts = { firstItemMs: opts.firstAudioTimeoutMs ?? 10_000, idleMs: opts.idleTimeoutMs ?? 5_000 };
  const requestTimeoutMs = opts.requestTimeoutMs ?? 15_000;
  const ref = opts.reference;
  const url = (path: string) => `${opts.baseURL.replace(/\/$/, "")}/${path.replace(/^\//, "")}`;
  const auth = { authorization: `Bearer ${opts.apiKey ?? "not-needed"}` };

  const upload = async (state: SpeechState, signal: AbortSignal): Promise<void> => {
    if (ref.mode !== "upload" || !state.refWav) return;
    const form = new FormData();
    form.append(ref.fileField ?? "file", new Blob([state.refWav], { type: "audio/wav" }), "reference.wav");
    if (ref.textField && state.refText) form.append(ref.textField, state.refText);
    if (ref.nameField) form.append(ref.nameField, `mirror-${Date.now()}`);
    const res = await fetch(url(ref.path), { method: "POST", body: form, headers: auth, signal: AbortSignal.any([signal, AbortSignal.timeout(requestTimeoutMs)]) });
    if (!res.ok) throw new ProviderError(provider, `reference upload: HTTP ${res.status}`, { retryable: res.status >= 500, status: res.status });
    const body = (await res.json()) as Record<string, unknown>;
    const id = body[ref.idField ?? "voice_id"];
    if (typeof id !== "string" || id === "") throw new ProviderError(provider, "reference upload answered without a voice id", { retryable: false });
    state.voiceId = id;
  };

  const body = (state: SpeechState, input: string): Record<string, unknown> => {
    const base: Record<string, unknown> = { model: opts.model, input, response_format: "pcm", ...(opts.speed ? { speed: opts.speed } : {}) };
    if (ref.mode === "voice") return { ...base, voice: ref.voice };
    if (ref.mode === "upload") return { ...base, voice: state.voiceId ?? "" };
    const b64 = Buffer.from(state.refWav ?? new Uint8Array()).toString("base64");
    return {
      ...base,
      voice: ref.voice ?? "clone",
      [ref.audioField]: ref.encoding === "data-uri" ? `data:audio/wav;base64,${b64}` : b64,
      ...(ref.textField ? { [ref.textField]: state.refText ?? "" } : {}),
    };
  };

  async function* synthesize(req: TtsRequest): AsyncGenerator<TtsEvent> {
    throwIfAborted(req.signal);
    const state = req.voice.provider === provider ? (req.voice.state as SpeechState) : null;
    if (!state || (ref.mode === "upload" && !state.voiceId) || (ref.mode === "field" && !state.refWav)) {
      throw new ProviderError(provider, "voice was forgotten or belongs to another provider", { retryable: true });
    }
    try {
      for (const piece of splitForRequests(req.text)) {
        const params = body(state, piece) as unknown as OpenAI.Audio.SpeechCreateParams;
        const chunks = timedStream(provider, req.signal, timeouts, async (signal) => {
          const res = await client.audio.speech.create(params, { signal });
          checkRawAudioType(provider, res.headers.get("content-type"));
          return res.body ?? emptyBody();
        });
        let odd: number | null = null;
        for await (const chunk of chunks) {
          const bytes: Uint8Array = odd === null ? (chunk as Uint8Array) : Buffer.concat([Uint8Array.of(odd), chunk as Uint8Array]);
          const whole: number = bytes.length - (bytes.length % 2);
          odd = whole < bytes.length ? (bytes[whole] ?? 0) : null;
          if (whole === 0) continue;
          const view = new DataView(bytes.buffer, bytes.byteOffset, whole);
          const pcm = new Float32Array(whole / 2);
          for (let i = 0; i < pcm.length; i++) pcm[i] = view.getInt16(i * 2, true) / 32768;
          yield { type: "audio", pcm, sampleRate };
        }
      }
    } catch (err) {
      throw asSynthesisError(provider, err, req.signal);
    }
  }

  return {
    info: { id: provider, stage: "tts", languages: opts.languages ?? ["en"], local: false },
    capabilities: { streaming: true, timings: "none", sampleRate },

    async health(): Promise<Health> {
      try {
        const res = await fetch(url("models"), { headers: auth, signal: AbortSignal.timeout(2_000) });
        await res.body?.cancel();
        return { ok: res.ok, detail: `${opts.baseURL}: models HTTP ${res.status}` };
      } catch (err) {
        return { ok: false, detail: err instanceof Error ? err.message : String(err) };
      }
    },

    async cloneVoice(sample: VoiceSample, signal: AbortSignal): Promise<VoiceProfile> {
      throwIfAborted(signal);
      const measured = analyzeVoice(sample.pcm, sample.sampleRate);
      const state: SpeechState = {};
      if (ref.mode !== "voice") {
        const rate = opts.referenceSampleRate ?? 24_000;
        state.refWav = encodeWav(resampleSinc(sample.pcm, sample.sampleRate, rate), rate);
        state.refText = sample.transcript.trim();
      }
      await upload(state, signal);
      if (ref.mode === "upload") {
        state.refWav?.fill(0);
        delete state.refWav;
      }
      return remoteProfile(provider, sample, measured, { ...state });
    },

    async forgetVoice(voice: VoiceProfile): Promise<void> {
      const id = (voice.state as SpeechState).voiceId;
      wipeState(voice);
      if (ref.mode !== "upload" || !ref.deletePath || !id) return;
      try {
        const res = await fetch(url(ref.deletePath.replace("{id}", encodeURIComponent(id))), { method: "DELETE", headers: auth, signal: AbortSignal.timeout(5_000) });
        await res.body?.cancel();
      } catch {
        // unreachable server: nothing more we can do from here; the deletion record notes the provider
      }
    },

    synthesize,
  };
}

async function* emptyBody(): AsyncGenerator<Uint8Array> {}
