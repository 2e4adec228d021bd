/**
 * A chain of TTS providers that is itself a TTS (e.g. F5 socket, then F5 Gradio, then the embedded
 * voice). Cloning asks every member; speaking tries them in order, and a member that fails or stays
 * silent past `firstAudioTimeoutMs` before its first audio hands over to the next. Once audio has
 * played, the member's failure propagates (the words cannot be unsaid). All audio comes out at the
 * highest member sample rate (so a lower-rate first member never drops a later one's top band); timings
 * pass through only when every member gives them.
 */
import { randomUUID } from "node:crypto";
import type { Language } from "@mirror/protocol";
import type { StageInfo } from "../../../core/contracts/common.js";
import type { Tts, TtsCapabilities, TtsEvent, TtsRequest, VoiceProfile, VoiceSample } from "../../../core/contracts/tts.js";
import { fallbackStream, groupLifecycle } from "../../../core/fallback.js";
import { AbortedError, ProviderError, throwIfAborted } from "../../../core/errors.js";
import { StreamResampler } from "../../../audio/pcm.js";
import { raceAbort } from "../shared/race-abort.js";

export interface TtsFallbackOptions {
  id?: string;
  /** a member that has given no audio this long after the request is skipped */
  firstAudioTimeoutMs?: number;
  /** a member whose clone takes longer is left out of this visit */
  cloneTimeoutMs?: number;
  onFallback?: (fromId: string, toId: string, error: ProviderError) => void;
  /** every failure of a member, before or after its first audio (health tracking) */
  onFailure?: (id: string, error: ProviderError) => void;
  /** a member that started speaking */
  onSuccess?: (id: string) => void;
}

interface ChainState {
  members: Record<string, VoiceProfile>;
  /** members whose clone was still running when the voice was handed out; null = that clone failed */
  pending: Record<string, Promise<VoiceProfile | null>>;
  /** stops the clones still running (the voice was forgotten) */
  cancel: AbortController;
}

export function withTtsFallback(providers: readonly Tts[], opts: TtsFallbackOptions = {}): Tts {
  const first = providers[0];
  if (!first) throw new Error("withTtsFallback needs at least one provider");
  const id = opts.id ?? `tts/fallback(${providers.map((p) => p.info.id.replace(/^tts\//, "")).join(",")})`;
  const timings: TtsCapabilities["timings"] = providers.every((p) => p.capabilities.timings === "phoneme")
    ? "phoneme"
    : providers.every((p) => p.capabilities.timings !== "none")
      ? "word"
      : "none";
  const capabilities: TtsCapabilities = { streaming: providers.every((p) => p.capabilities.streaming), timings, sampleRate: Math.max(...providers.map((p) => p.capabilities.sampleRate)) };
  const languages: StageInfo["languages"] = providers.some((p) => p.info.languages === "any")
    ? "any"
    : [...new Set(providers.flatMap((p) => (p.info.languages === "any" ? [] : p.info.languages)))];

  const keep = (ev: TtsEvent): boolean =>
    ev.type === "audio" || (timings === "phoneme" ? true : timings === "word" ? ev.type === "word" : false);

  async function* member(tts: Tts, req: TtsRequest, cloned: VoiceProfile | Promise<VoiceProfile | null> | undefined, signal: AbortSignal): AsyncGenerator<TtsEvent> {
    const voice = cloned && "then" in cloned ? await raceAbort(cloned, signal) : cloned;
    if (!voice) throw new ProviderError(tts.info.id, "its clone of this voice failed", { retryable: false });
    let resampler: StreamResampler | null = null;
    for await (const ev of tts.synthesize({ text: req.text, voice, signal })) {
      if (ev.type !== "audio") {
        if (keep(ev)) yield ev;
        continue;
      }
      if (ev.sampleRate === capabilities.sampleRate) {
        yield ev;
        continue;
      }
      resampler ??= new StreamResampler(ev.sampleRate, capabilities.sampleRate);
      const pcm = resampler.push(ev.pcm);
      if (pcm.length > 0) yield { type: "audio", pcm, sampleRate: capabilities.sampleRate };
    }
    const tail = resampler?.flush();
    if (tail && tail.length > 0) yield { type: "audio", pcm: tail, sampleRate: capabilities.sampleRate };
  }

  return {
    info: { id, stage: "tts", languages, local: providers.every((p) => p.info.local) },
    capabilities,

    /**
     * Ready as soon as the first member that speaks the sample's language has its clone (earlier members
     * having failed): later members, there for fallback only, finish cloning in the background, and a
     * sentence handed over to one of them waits for its clone.
     */
    async cloneVoice(sample: VoiceSample, signal: AbortSignal): Promise<VoiceProfile> {
      throwIfAborted(signal);
      const cancel = new AbortController();
      const members: Record<string, VoiceProfile> = {};
      const errors: unknown[] = [];
      const clones = providers.map((p, i) => {
        const s = AbortSignal.any([signal, cancel.signal, ...(opts.cloneTimeoutMs ? [AbortSignal.timeout(opts.cloneTimeoutMs)] : [])]);
        return p.cloneVoice(sample, s).then(
          async (v): Promise<VoiceProfile | null> => {
            if (!cancel.signal.aborted) return (members[p.info.id] = v);
            await p.forgetVoice(v).catch(() => undefined);
            return null;
          },
          (err: unknown) => {
            errors[i] = err;
            return null;
          },
        );
      });
      let lead: VoiceProfile | null = null;
      for (let i = 0; i < providers.length && !lead && !signal.aborted; i++) {
        const p = providers[i] as Tts;
        if (speaks(p, sample.language)) lead = await clones[i]!;
      }
      if (signal.aborted || !lead) {
        if (signal.aborted) cancel.abort();
        await Promise.all(clones);
        await Promise.allSettled(providers.map((p) => (members[p.info.id] ? p.forgetVoice(members[p.info.id] as VoiceProfile) : undefined)));
        if (signal.aborted) throw new AbortedError(String(signal.reason ?? "aborted"));
        const err = errors.find((e) => e !== undefined);
        throw err instanceof ProviderError ? err : new ProviderError(id, `no member could clone: ${String(err)}`, { retryable: true, cause: err });
      }
      const pending: ChainState["pending"] = {};
      providers.forEach((p, i) => {
        if (!members[p.info.id] && errors[i] === undefined && speaks(p, sample.language)) pending[p.info.id] = clones[i]!;
      });
      const state: ChainState = { members, pending, cancel };
      return {
        id: `fallback-${randomUUID()}`,
        provider: id,
        language: sample.language,
        medianF0Hz: lead.medianF0Hz,
        syllablesPerSecond: lead.syllablesPerSecond,
        state: state as unknown as Record<string, unknown>,
        ...(lead.similarity ? { similarity: lead.similarity } : {}),
      };
    },

    async forgetVoice(voice: VoiceProfile): Promise<void> {
      const st = voice.state as Partial<ChainState>;
      st.cancel?.abort();
      // a clone that still finishes is forgotten by its own continuation, which this waits for
      await Promise.all(Object.values(st.pending ?? {}));
      const members = st.members ?? {};
      await Promise.allSettled(providers.map((p) => (members[p.info.id] ? p.forgetVoice(members[p.info.id] as VoiceProfile) : undefined)));
      for (const key of Object.keys(members)) delete members[key];
      delete st.members;
      delete st.pending;
    },

    synthesize(req: TtsRequest): AsyncIterable<TtsEvent> {
      const st = req.voice.state as Partial<ChainState>;
      const members = st.members ?? {};
      const pending = st.pending ?? {};
      const chain = providers.filter((p) => (members[p.info.id] || pending[p.info.id]) && speaks(p, req.voice.language));
      if (chain.length === 0) {
        return noVoice(id, req.signal);
      }
      return fallbackStream<TtsEvent>(
        chain.map((p) => (signal: AbortSignal) => member(p, req, members[p.info.id] ?? pending[p.info.id], signal)),
        {
          ids: chain.map((p) => p.info.id),
          signal: req.signal,
          isCommitted: (ev) => ev.type === "audio",
          requireOutput: req.text.trim() !== "",
          firstOutputTimeoutMs: opts.firstAudioTimeoutMs,
          onAnyError: true,
          onFallback: opts.onFallback,
          ...(opts.onFailure ? { onFailure: opts.onFailure } : {}),
          ...(opts.onSuccess ? { onSuccess: opts.onSuccess } : {}),
        },
      );
    },

    ...groupLifecycle(providers),
  };
}


/** Resolves once every member of a chain voice has finished cloning (or failed); at once for any other voice. */
export async function clonesSettled(voice: VoiceProfile): Promise<void> {
  await Promise.all(Object.values((voice.state as Partial<ChainState>).pending ?? {}));
}

function speaks(p: Tts, language: Language): boolean {
  return p.info.languages === "any" || p.info.languages.includes(language);
}

// eslint-disable-next-line require-yield -- a stream that fails at its first read, like any provider would
async function* noVoice(id: string, signal: AbortSignal): AsyncGenerator<TtsEvent> {
  throwIfAborted(signal);
  throw new ProviderError(id, "voice was forgotten, or no member speaks its language", { retryable: false });
}
