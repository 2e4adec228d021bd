import type { Language } from "@mirror/protocol";
import type { ChatMessage, LlmRequest } from "../../core/contracts/llm.js";
import { ProviderError, toProviderError } from "../../core/errors.js";

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
  return toProviderError(id, Object.assign(new Error(message), status !== undefined ? { status } : {}));
}

function statusOf(err: unknown): number | undefined {
  const status = (err as { status?: unknown } | null)?.status;
  return typeof status === "number" ? status : undefined;
}

/** A text chunk that is no speech (control characters, special tokens, raw JSON): the provider has failed. */
export { isGarbageText as isGarbage } from "../../core/fallback.js";
