import type { Language } from "@mirror/protocol";
import type { ChatMessage, LlmEvent, LlmRequest } from "../../core/contracts/llm.js";
import { ProviderError, isAbort, networkCode, toProviderError } from "../../core/errors.js";
import { isGarbageText } from "../../core/fallback.js";
import { timedStream, type StreamTimeouts } from "../../core/stream-timeouts.js";

/** What a chat model is told when the double speaks first (the greeting): APIs want a user turn first. */
export const SPEAK_FIRST: Readonly<Record<Language, string>> = {
  en: "(The visitor has just sat down in front of you and hears you for the first time. Speak first.)",
  nl: "(De bezoeker is net voor je gaan zitten en hoort je voor het eerst. Jij begint.)",
};

/**
 * The visit's history as chat APIs accept it: it starts with a user turn (the greeting has none, so a
 * stage cue stands in) and ends with one (the visitor's words, or the cue on turn 0).
 */
export function chatTurns(req: LlmRequest): ChatMessage[] {
  const cue: ChatMessage = { role: "user", content: SPEAK_FIRST[req.context.language] };
  const turns = req.messages.filter((m) => m.content.trim() !== "");
  if (turns[0]?.role !== "user") turns.unshift(cue);
  if (turns.at(-1)?.role !== "user") turns.push(cue);
  return turns;
}

/** A client's failure as a ProviderError, without the request's body or headers (keys, visitor words). */
export function providerError(id: string, err: unknown): ProviderError {
  if (err instanceof ProviderError) return err;
  const status = statusOf(err);
  const message = err instanceof Error ? err.message.split("\n")[0]?.slice(0, 300) ?? err.name : String(err).slice(0, 300);
  const code = networkCode(err);
  return toProviderError(id, Object.assign(new Error(code ? `${message} (${code})` : message), status !== undefined ? { status } : {}));
}

function statusOf(err: unknown): number | undefined {
  const status = (err as { status?: unknown } | null)?.status;
  return typeof status === "number" ? status : undefined;
}

/** A text chunk that is no speech (control characters, special tokens, raw JSON): the provider has failed. */
export { isGarbageText as isGarbage } from "../../core/fallback.js";

/** One streamed piece of a reply, as a client delivers it. */
export interface TextChunk {
  text: string;
  /** the provider stopped because of its token limit */
  length?: boolean;
}

/** Defaults of a remote chat provider's own timeouts (the fallback chain may give up sooner). */
export const CHAT_TIMEOUTS: Required<StreamTimeouts> = { firstItemMs: 15_000, idleMs: 8_000 };

/**
 * What every client-backed provider does with its stream: relays non-empty text as deltas, treats garbage as a
 * failure, ends quietly when the turn is aborted, and reports any other failure as a ProviderError. `open` gets
 * the signal to pass to its request: it fires with the turn, or when the first chunk or the next one is late.
 */
export async function* relayText(
  id: string,
  signal: AbortSignal,
  open: (signal: AbortSignal) => Promise<AsyncIterable<TextChunk>>,
  timeouts: StreamTimeouts = CHAT_TIMEOUTS,
): AsyncGenerator<LlmEvent> {
  if (signal.aborted) return;
  let reason: "stop" | "length" = "stop";
  let chunks = 0;
  try {
    for await (const chunk of timedStream(id, signal, timeouts, open)) {
      if (signal.aborted) return;
      chunks++;
      if (chunk.length) reason = "length";
      if (chunk.text === "") continue;
      if (isGarbageText(chunk.text)) throw new ProviderError(id, "garbage in the stream", { retryable: true });
      yield { type: "text-delta", text: chunk.text };
    }
  } catch (err) {
    if (signal.aborted || isAbort(err)) return;
    throw providerError(id, err);
  }
  if (signal.aborted) return;
  // a real server sends at least one chunk, even for an empty reply: none means the body was not its stream
  if (chunks === 0) throw new ProviderError(id, "malformed answer (no stream chunks)", { retryable: true });
  yield { type: "finish", reason };
}
