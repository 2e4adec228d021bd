/**
 * F5-TTS Gradio app (`f5-tts_infer-gradio`, endpoint `/basic_tts`) through the official @gradio/client.
 * Inputs in order: ref_audio (file), ref_text, gen_text, remove_silence, randomize_seed, seed,
 * cross_fade_duration, nfe_step, speed → [audio (file), spectrogram, ref_text, seed].
 *
 * The visitor's reference is written to a private temp file and uploaded once at clone time; each
 * sentence then names the uploaded file. If the app lost it (restart), the next call sends the temp
 * file again with `handle_file`. The app returns a whole file per call, so this streams by sentence:
 * the next sentence is submitted while the current one plays. Abort cancels the queued/running job.
 */
import { openAsBlob } from "node:fs";
import { Client, handle_file } from "@gradio/client";
import type { Language } from "@mirror/protocol";
import type { Health } from "../../../core/contracts/common.js";
import type { Tts, TtsEvent, TtsRequest, VoiceProfile, VoiceSample } from "../../../core/contracts/tts.js";
import { deadline } from "../../../core/deadline.js";
import { AbortedError, ProviderError, isAbort, throwIfAborted } from "../../../core/errors.js";
import { PrivateFiles } from "../shared/private-files.js";
import { asSynthesisError, remoteProfile, sentencePipeline } from "../shared/remote.js";
import { wipeState } from "../shared/wipe-state.js";
import { splitForRequests } from "../shared/text.js";
import { F5_SAMPLE_RATE, writeF5Reference } from "./reference.js";
import { createAudioFileFetcher, decodeAudioFile, type AudioFileRequest } from "./gradio-audio-file.js";

export interface F5GradioTtsOptions {
  /** app URL, e.g. http://gpu-box:7860 (or a Space id like "mrfakename/E2-F5-TTS") */
  url: string;
  languages?: Language[];
  nfeStep?: number;
  speed?: number;
  crossFadeDuration?: number;
  /** fixed seed keeps the voice consistent from sentence to sentence */
  seed?: number;
  removeSilence?: boolean;
  hfToken?: `hf_${string}`;
  /** where reference temp files go (default: a private dir under the OS temp dir) */
  files?: PrivateFiles;
  /** the app's config must arrive within this; default 10 000 ms */
  connectTimeoutMs?: number;
  /** one sentence's job, queue included, must give its audio file within this; default 60 000 ms (hosted Spaces are slow) */
  requestTimeoutMs?: number;
  /** the audio file download: no byte for this long fails it; default 10 000 ms */
  idleTimeoutMs?: number;
}

interface GradioState {
  tempPath: string;
  refText: string;
  /** FileData of the uploaded reference on the app, once uploaded */
  uploaded: { path: string; orig_name: string; meta: { _type: "gradio.FileData" } } | null;
}

interface FileOut {
  url?: string;
  path?: string;
}

const PROVIDER = "tts/f5-gradio";
const CHUNK = 4096;

export function createF5GradioTts(opts: F5GradioTtsOptions): Tts {
  const files = opts.files ?? new PrivateFiles();
  let client: Promise<Client> | null = null;

  const connectTimeoutMs = opts.connectTimeoutMs ?? 10_000;
  const requestTimeoutMs = opts.requestTimeoutMs ?? 60_000;
  const idleMs = opts.idleTimeoutMs ?? 10_000;
  /** origins of the app's config root: the token goes to them only */
  const appOrigins = new Set<string>();
  const audioFiles = createAudioFileFetcher(PROVIDER, (url): Record<string, string> =>
    opts.hfToken && appOrigins.has(url.origin) ? { authorization: `Bearer ${opts.hfToken}` } : {},
  );

  const connect = (): Promise<Client> => {
    if (client) return client;
    // @gradio/client takes no AbortSignal: a hung app is given up on here (its request stays open until the app answers or closes)
    const connecting = deadline(
      Client.connect(opts.url, { events: ["data", "status"], ...(opts.hfToken ? { token: opts.hfToken } : {}) }),
      connectTimeoutMs,
      () => new ProviderError(PROVIDER, `no app config within ${connectTimeoutMs} ms (timeout)`, { retryable: true }),
    );
    client = connecting;
    connecting.then((c: Client) => c.config?.root && appOrigins.add(new URL(c.config.root).origin)).catch(() => undefined);
    connecting.catch(() => {
      if (client === connecting) client = null;
    });
    return connecting;
  };

  const dropClient = async (): Promise<void> => {
    const c = client;
    client = null;
    if (c) (await c.catch(() => null))?.close();
  };

  const upload = async (c: Client, state: GradioState): Promise<void> => {
    const root = c.config?.root;
    if (!root) throw new ProviderError(PROVIDER, "app config has no root", { retryable: true });
    const res = await c.upload_files(root, [await openAsBlob(state.tempPath, { type: "audio/wav" })]);
    const path = res.files?.[0];
    if (!path) throw new ProviderError(PROVIDER, `upload failed: ${res.error ?? "no file"}`, { retryable: true });
    state.uploaded = { path, orig_name: "reference.wav", meta: { _type: "gradio.FileData" } };
  };

  /** Runs /basic_tts for one sentence; resolves with the URL of its audio file. */
  const generate = async (c: Client, state: GradioState, text: string, signal: AbortSignal, reupload: boolean): Promise<string> => {
    const ref = reupload || !state.uploaded ? handle_file(state.tempPath) : state.uploaded;
    const job = c.submit("/basic_tts", [
      ref,
      state.refText,
      text,
      opts.removeSilence ?? false,
      false,
      opts.seed ?? 0,
      opts.crossFadeDuration ?? 0.15,
      opts.nfeStep ?? 32,
      opts.speed ?? 1.0,
    ]);
    const onAbort = () => {
      void job.cancel();
      void job.return?.();
    };
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      let out: FileOut | null = null;
      for await (const ev of job) {
        if (signal.aborted) break;
        if (ev.type === "data") {
          out = ((ev.data as unknown[])[0] ?? null) as FileOut | null;
          if (out?.url) break; // the result is in: no need to wait for the status that follows
        } else if (ev.type === "status" && ev.stage === "error") {
          throw new ProviderError(PROVIDER, `basic_tts failed: ${ev.message ?? "unknown error"}`, { retryable: true });
        } else if (ev.type === "status" && ev.stage === "complete" && out) break;
      }
      throwIfAborted(signal);
      if (!out?.url) throw new ProviderError(PROVIDER, "basic_tts returned no audio", { retryable: true });
      return out.url;
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
  };

  /** One sentence: the job, then its audio file's download started at once (it may wait while the previous one plays). */
  const sentence = async (state: GradioState, text: string, turn: AbortSignal): Promise<AudioFileRequest> =>
    audioFiles.start(await sentenceUrl(state, text, turn), turn);

  const sentenceUrl = async (state: GradioState, text: string, turn: AbortSignal): Promise<string> => {
    const limit = AbortSignal.timeout(requestTimeoutMs);
    const signal = AbortSignal.any([turn, limit]);
    const timedOut = (err: unknown): unknown => {
      if (!limit.aborted || turn.aborted) return err;
      // the session's queue stream is suspect after a job that never finished: the next sentence connects afresh
      void dropClient();
      return new ProviderError(PROVIDER, `no audio file within ${requestTimeoutMs} ms (timeout)`, { retryable: true, cause: err });
    };
    const c = await connect();
    if (c.config?.root) audioFiles.preconnect(c.config.root);
    try {
      return await generate(c, state, text, signal, false);
    } catch (err) {
      if (isAbort(err, signal) || !state.uploaded) throw timedOut(err);
      // the app may have dropped the uploaded reference (restart, cache cleanup): send the file again once
      return generate(c, state, text, signal, true).catch((e: unknown) => Promise.reject(timedOut(e)));
    }
  };

  async function* synthesize(req: TtsRequest): AsyncGenerator<TtsEvent> {
    throwIfAborted(req.signal);
    const state = stateOf(req.voice);
    if (!state) throw new ProviderError(PROVIDER, "voice was forgotten or belongs to another provider", { retryable: true });
    try {
      for await (const file of sentencePipeline(splitForRequests(req.text), (piece, signal) => sentence(state, piece, signal), req.signal)) {
        yield* decodeAudioFile(PROVIDER, file, req.signal, { idleMs, sampleRate: F5_SAMPLE_RATE, chunk: CHUNK });
      }
    } catch (err) {
      throw asSynthesisError(PROVIDER, err, req.signal);
    }
  }



  return {
    info: { id: PROVIDER, stage: "tts", languages: opts.languages ?? ["en"], local: false },
    capabilities: { streaming: true, timings: "none", sampleRate: F5_SAMPLE_RATE },

    async warmup() {
      await connect();
    },

    async health(): Promise<Health> {
      try {
        const c = await connect();
        const ok = Boolean(c.config?.dependencies.some((d: { api_name?: unknown }) => d.api_name === "basic_tts"));
        return { ok, detail: ok ? `${opts.url} has /basic_tts` : `${opts.url} has no /basic_tts endpoint` };
      } catch (err) {
        return { ok: false, detail: err instanceof Error ? err.message : String(err) };
      }
    },

    async cloneVoice(sample: VoiceSample, signal: AbortSignal): Promise<VoiceProfile> {
      throwIfAborted(signal);
      const { ref, tempPath } = await writeF5Reference(files, sample);
      const state: GradioState = { tempPath, refText: ref.text, uploaded: null };
      try {
        const c = await connect();
        throwIfAborted(signal);
        await upload(c, state);
        throwIfAborted(signal);
      } catch (err) {
        await files.remove(tempPath);
        if (isAbort(err, signal)) throw new AbortedError(String(signal.reason ?? "aborted"));
        throw err instanceof ProviderError ? err : new ProviderError(PROVIDER, `clone failed: ${err instanceof Error ? err.message : String(err)}`, { retryable: true, cause: err });
      }
      return remoteProfile(PROVIDER, sample, ref, { ...state });
    },

    async forgetVoice(voice: VoiceProfile): Promise<void> {
      const path = stateOf(voice)?.tempPath;
      wipeState(voice);
      // the app keeps its uploaded copy until its own cache cleanup (gr.Blocks(delete_cache=…)); see docs/voices.md
      if (path) await files.remove(path);
    },

    synthesize,

    async close() {
      await dropClient();
      audioFiles.close();
      await files.removeAll();
    },
  };
}

function stateOf(voice: VoiceProfile): GradioState | null {
  if (voice.provider !== PROVIDER) return null;
  const s = voice.state as Partial<GradioState>;
  return typeof s.tempPath === "string" && typeof s.refText === "string" ? (s as GradioState) : null;
}
