/**
 * F5-TTS through Mirror's sidecar (sidecar/f5_sidecar.py, protocol in sidecar-protocol.ts): the model
 * stays loaded, and each visit registers its own reference once. When configured with `launch`,
 * Mirror starts the sidecar and restarts it if it dies; voices lost in a restart are registered again
 * from the reference this profile still holds (until the visit is purged).
 */
import type { Language } from "@mirror/protocol";
import type { Health } from "../../../core/contracts/common.js";
import type { Tts, TtsEvent, TtsRequest, VoiceProfile, VoiceSample } from "../../../core/contracts/tts.js";
import { ProviderError, isAbort, throwIfAborted } from "../../../core/errors.js";
import { timedStream } from "../../../core/stream-timeouts.js";
import { asSynthesisError, checkPcm, checkRawAudioType, remoteProfile } from "../shared/remote.js";
import { wipeState } from "../shared/wipe-state.js";
import { splitForRequests } from "../shared/text.js";
import { F5_SAMPLE_RATE, prepareF5Reference } from "./reference.js";
import { SidecarProcess, type SidecarProcessOptions } from "./sidecar-process.js";
import type { SidecarHealth, SidecarSpeakBody, SidecarVoice } from "./sidecar-protocol.js";

export interface F5SidecarTtsOptions {
  /** e.g. http://127.0.0.1:9999 */
  url: string;
  languages?: Language[];
  nfeStep?: number;
  speed?: number;
  /** start and supervise the sidecar (its health URL is `${url}/health`) */
  launch?: Omit<SidecarProcessOptions, "healthUrl">;
  /** any one request (registration, a sentence's whole audio); default 30 000 ms */
  requestTimeoutMs?: number;
  /** no audio this long after a sentence was asked for: failed (retryable); default 10 000 ms */
  firstAudioTimeoutMs?: number;
  /** no audio this long mid-sentence: failed (retryable); default 5 000 ms */
  idleTimeoutMs?: number;
}

interface SidecarState {
  voiceId: string | null;
  refWav: Uint8Array;
  refText: string;
}

const PROVIDER = "tts/f5-sidecar";

export function createF5SidecarTts(opts: F5SidecarTtsOptions): Tts {
  const base = opts.url.replace(/\/$/, "");
  const proc = opts.launch ? new SidecarProcess({ ...opts.launch, healthUrl: `${base}/health` }) : null;
  const timeout = opts.requestTimeoutMs ?? 30_000;
  const timeouts = { firstItemMs: opts.firstAudioTimeoutMs ?? 10_000, idleMs: opts.idleTimeoutMs ?? 5_000 };

  const call = async (path: string, init: RequestInit, signal: AbortSignal): Promise<Response> => {
    await proc?.ready();
    try {
      return await fetch(`${base}${path}`, { ...init, signal: AbortSignal.any([signal, AbortSignal.timeout(timeout)]) });
    } catch (err) {
      if (isAbort(err, signal)) throw err;
      throw new ProviderError(PROVIDER, `sidecar unreachable: ${err instanceof Error ? err.message : String(err)}`, { retryable: true, cause: err });
    }
  };

  const register = async (state: SidecarState, signal: AbortSignal): Promise<string> => {
    const body = JSON.stringify({ ref_audio_b64: Buffer.from(state.refWav).toString("base64"), ref_text: state.refText });
    const res = await call("/voices", { method: "POST", body, headers: { "content-type": "application/json" } }, signal);
    if (res.status !== 201) throw await failure(res, "register reference");
    const voice = (await res.json()) as SidecarVoice;
    state.voiceId = voice.voice_id;
    return voice.voice_id;
  };

  const speakRequest = async (state: SidecarState, text: string, signal: AbortSignal): Promise<Response> => {
    const payload: SidecarSpeakBody = { text, ...(opts.nfeStep ? { nfe_step: opts.nfeStep } : {}), ...(opts.speed ? { speed: opts.speed } : {}) };
    for (let attempt = 0; ; attempt++) {
      const id = state.voiceId ?? (await register(state, signal));
      const res = await call(`/voices/${encodeURIComponent(id)}/speak`, { method: "POST", body: JSON.stringify(payload), headers: { "content-type": "application/json" } }, signal);
      if (res.status === 404 && attempt === 0) {
        await res.body?.cancel();
        state.voiceId = null; // the sidecar restarted and forgot it
        continue;
      }
      if (!res.ok) throw await failure(res, "speak");
      return res;
    }
  };

  async function* synthesize(req: TtsRequest): AsyncGenerator<TtsEvent> {
    throwIfAborted(req.signal);
    const state = stateOf(req.voice);
    if (!state) throw new ProviderError(PROVIDER, "voice was forgotten or belongs to another provider", { retryable: true });
    try {
      for (const piece of splitForRequests(req.text)) {
        const body = timedStream(PROVIDER, req.signal, timeouts, async (signal) => {
          const res = await speakRequest(state, piece, signal);
          const rate = Number(res.headers.get("x-sample-rate") ?? F5_SAMPLE_RATE);
          if (rate !== F5_SAMPLE_RATE) throw new ProviderError(PROVIDER, `sidecar speaks at ${rate} Hz`, { retryable: false });
          checkRawAudioType(PROVIDER, res.headers.get("content-type"));
          return res.body ?? new Blob([]).stream();
        });
        let rest = new Uint8Array(0);
        for await (const chunk of body) {
          const joined = rest.length ? Buffer.concat([rest, chunk]) : chunk;
          const whole = joined.length - (joined.length % 4);
          rest = joined.slice(whole);
          if (whole > 0) yield { type: "audio", pcm: checkPcm(PROVIDER, toFloats(joined, whole)), sampleRate: F5_SAMPLE_RATE };
        }
      }
    } catch (err) {
      throw asSynthesisError(PROVIDER, err, req.signal);
    }
  }

  return {
    info: { id: PROVIDER, stage: "tts", languages: opts.languages ?? ["en"], local: false },
    capabilities: { streaming: true, timings: "none", sampleRate: F5_SAMPLE_RATE },

    async warmup() {
      await proc?.ready();
    },

    async health(): Promise<Health> {
      try {
        const res = await call("/health", {}, AbortSignal.timeout(2_000));
        if (!res.ok) return { ok: false, detail: `health ${res.status}` };
        const h = (await res.json()) as SidecarHealth;
        return { ok: h.ok, detail: `${h.model}, ${h.voices} voices, protocol ${h.protocol}${proc ? `, restarts ${proc.restarts}` : ""}` };
      } catch (err) {
        return { ok: false, detail: err instanceof Error ? err.message : String(err) };
      }
    },

    async cloneVoice(sample: VoiceSample, signal: AbortSignal): Promise<VoiceProfile> {
      throwIfAborted(signal);
      const ref = prepareF5Reference(sample);
      const state: SidecarState = { voiceId: null, refWav: ref.wav, refText: ref.text };
      await register(state, signal);
      return remoteProfile(PROVIDER, sample, ref, { ...state });
    },

    async forgetVoice(voice: VoiceProfile): Promise<void> {
      const id = stateOf(voice)?.voiceId;
      wipeState(voice);
      if (!id) return;
      try {
        const res = await call(`/voices/${encodeURIComponent(id)}`, { method: "DELETE" }, AbortSignal.timeout(5_000));
        await res.body?.cancel();
      } catch {
        // the sidecar is gone: it held the reference in memory only
      }
    },

    synthesize,

    async close() {
      await proc?.close();
    },
  };
}

function stateOf(voice: VoiceProfile): SidecarState | null {
  if (voice.provider !== PROVIDER) return null;
  const s = voice.state as Partial<SidecarState>;
  return s.refWav instanceof Uint8Array && typeof s.refText === "string" ? (s as SidecarState) : null;
}

function toFloats(bytes: Uint8Array, length: number): Float32Array {
  const out = new Float32Array(length / 4);
  const view = new DataView(bytes.buffer, bytes.byteOffset, length);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

async function failure(res: Response, what: string): Promise<ProviderError> {
  let detail = "";
  try {
    detail = ((await res.json()) as { error?: string }).error ?? "";
  } catch {
    // not JSON
  }
  return new ProviderError(PROVIDER, `${what}: HTTP ${res.status}${detail ? ` (${detail})` : ""}`, { retryable: res.status >= 500 || res.status === 429, status: res.status });
}
