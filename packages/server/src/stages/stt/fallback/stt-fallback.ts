/**
 * A chain of STT providers that is itself an STT (e.g. a Whisper server, then the embedded recognizer). The
 * utterance goes live to the current member and is kept; a member that fails before its final (or ends without
 * one) hands the whole utterance so far to the next, which then gets the rest live. Partials pass through. The
 * kept audio is zeroed when the utterance is done.
 */
import type { StageInfo } from "../../../core/contracts/common.js";
import type { Stt, SttEvent, SttStream, SttStreamOptions } from "../../../core/contracts/stt.js";
import { groupLifecycle } from "../../../core/fallback.js";
import { ProviderError, isAbort, toProviderError } from "../../../core/errors.js";

export interface SttFallbackOptions {
  id?: string;
  /** every failure of a member (health tracking, logs) */
  onFailure?: (id: string, error: ProviderError) => void;
  onFallback?: (fromId: string, toId: string, error: ProviderError) => void;
  /** a member that gave its final */
  onSuccess?: (id: string) => void;
}

export function withSttFallback(providers: readonly Stt[], opts: SttFallbackOptions = {}): Stt {
  const first = providers[0];
  if (!first) throw new Error("withSttFallback needs at least one provider");
  const id = opts.id ?? `stt/fallback(${providers.map((p) => p.info.id.replace(/^stt\//, "")).join(",")})`;
  const info: StageInfo = {
    id,
    stage: "stt",
    languages: providers.some((p) => p.info.languages === "any") ? "any" : [...new Set(providers.flatMap((p) => (p.info.languages === "any" ? [] : p.info.languages)))],
    local: providers.every((p) => p.info.local),
  };

  function open(streamOpts: SttStreamOptions): SttStream {
    const kept: Int16Array[] = [];
    let ended = false;
    let index = 0;
    const member = (i: number): Stt | undefined => providers[i];
    let current: SttStream = first!.open(streamOpts);

    async function* events(): AsyncGenerator<SttEvent> {
      try {
        for (;;) {
          const stt = member(index);
          if (!stt) return;
          let error: ProviderError | null = null;
          let gotFinal = false;
          try {
            for await (const ev of current.events) {
              if (ev.type === "final") gotFinal = true;
              yield ev;
              if (gotFinal) break;
            }
            if (streamOpts.signal.aborted) return;
            if (gotFinal) {
              opts.onSuccess?.(stt.info.id);
              return;
            }
            error = new ProviderError(stt.info.id, "ended without a final", { retryable: true });
          } catch (err) {
            if (isAbort(err, streamOpts.signal)) return;
            error = toProviderError(stt.info.id, err);
          }
          opts.onFailure?.(stt.info.id, error);
          const next = member(index + 1);
          if (!next) throw error;
          opts.onFallback?.(stt.info.id, next.info.id, error);
          index++;
          current = next.open(streamOpts);
          for (const c of kept) current.push(c);
          if (ended) current.end();
        }
      } finally {
        for (const c of kept) c.fill(0);
        kept.length = 0;
      }
    }

    return {
      push(pcm) {
        if (ended) return;
        kept.push(pcm.slice());
        current.push(pcm);
      },
      end() {
        if (ended) return;
        ended = true;
        current.end();
      },
      events: events(),
    };
  }

  return {
    info,
    capabilities: { streaming: first.capabilities.streaming, partials: first.capabilities.partials, sampleRate: 16000 },
    open,
    ...groupLifecycle(providers),
  };
}
