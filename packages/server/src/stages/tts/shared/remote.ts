import { randomUUID } from "node:crypto";
import type { Language } from "@mirror/protocol";
import type { VoiceProfile, VoiceSample } from "../../../core/contracts/tts.js";
import { AbortedError, ProviderError, isAbort, toProviderError } from "../../../core/errors.js";

/** A VoiceProfile for a remote clone; `state` is the provider's (biometric: wiped by forgetVoice). */
export function remoteProfile(
  provider: string,
  sample: VoiceSample,
  measured: { medianF0Hz: number | null; syllablesPerSecond: number | null },
  state: Record<string, unknown>,
): VoiceProfile {
  return {
    id: `${provider.replace(/^tts\//, "")}-${randomUUID()}`,
    provider,
    language: sample.language as Language,
    medianF0Hz: measured.medianF0Hz,
    syllablesPerSecond: measured.syllablesPerSecond,
    state,
  };
}

/** Normalizes a failure during synthesis: aborts stay aborts, everything else becomes a ProviderError. */
export function asSynthesisError(provider: string, err: unknown, signal: AbortSignal): Error {
  if (isAbort(err, signal)) return err instanceof AbortedError ? err : new AbortedError(String(signal.reason ?? "aborted"));
  // an HTTP status decides (401/404 will not heal by retrying); network failures and timeouts are retryable
  return toProviderError(provider, err);
}

/** Audio that cannot be played (NaN, infinities, samples far out of range) is a malformed reply, not a voice. */
export function checkPcm(provider: string, pcm: Float32Array): Float32Array {
  for (const v of pcm) {
    if (!Number.isFinite(v) || Math.abs(v) > 4) throw new ProviderError(provider, "malformed audio (samples out of range)", { retryable: true });
  }
  return pcm;
}

/** Refuses a body that is no raw PCM: HTML or JSON from a portal or proxy, or a WAV/MP3/OGG file. */
export function checkRawAudioType(provider: string, contentType: string | null): void {
  const type = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (type === "" || type === "application/octet-stream" || type === "audio/pcm" || type === "audio/l16" || type === "audio/raw" || type === "audio/basic") return;
  throw new ProviderError(provider, `wrong audio format (content-type ${type.slice(0, 40)})`, { retryable: true });
}

/** Splits a long buffer into stream-sized chunks (so playback and lip-sync can start on the first). */
export function* chunked(pcm: Float32Array, size: number): Generator<Float32Array> {
  for (let i = 0; i < pcm.length; i += size) yield pcm.subarray(i, Math.min(pcm.length, i + size));
}

/**
 * Whole-sentence synthesis made streaming: sentence i+1 is requested as soon as sentence i is ready
 * (so it is made while i plays), results come out in order. Ending early or aborting aborts the
 * request still running.
 */
export async function* sentencePipeline<T>(
  pieces: readonly string[],
  make: (piece: string, signal: AbortSignal) => Promise<T>,
  signal: AbortSignal,
): AsyncGenerator<T> {
  const local = new AbortController();
  const stop = () => local.abort(signal.reason);
  signal.addEventListener("abort", stop, { once: true });
  const pending: Array<Promise<T>> = [];
  const start = (i: number) => {
    const piece = pieces[i];
    if (piece === undefined) return;
    const p = make(piece, local.signal);
    p.catch(() => undefined);
    pending.push(p);
  };
  try {
    start(0);
    for (let i = 0; i < pieces.length; i++) {
      const current = pending[i];
      if (!current) break;
      const result = await current;
      start(i + 1);
      yield result;
    }
  } finally {
    signal.removeEventListener("abort", stop);
    local.abort(new AbortedError("synthesis ended"));
  }
}
