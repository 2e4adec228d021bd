import type { Language } from "@mirror/protocol";
import type { Random } from "../clock.js";
import type { Lifecycle, StageInfo } from "./common.js";

export interface ChatMessage {
  role: "user" | "assistant";
  content: string;
}

/** What the double knows of the visit so far (lives in the Visit, purged with it). */
export interface DialogueContext {
  language: Language;
  /** id of the script phase this reply belongs to */
  phase: string;
  /** 0 for the greeting, then 1, 2, … per visitor turn */
  turnIndex: number;
  elapsedMs: number;
  remainingMs: number;
  /** short facts the visitor said about themselves, in their words */
  facts: readonly string[];
  /** what the visitor just said (also the last user message) */
  userText: string;
  random: Random;
}

export interface LlmRequest {
  /** system prompt for this phase (built by script/; scripted engines may ignore it) */
  system: string;
  messages: readonly ChatMessage[];
  context: DialogueContext;
  signal: AbortSignal;
  maxOutputTokens?: number;
  temperature?: number;
}

export type LlmEvent =
  | { type: "text-delta"; text: string }
  | { type: "finish"; reason: "stop" | "length" };

export interface LlmCapabilities {
  readonly streaming: boolean;
}

/** Streams the reply. Failures are thrown as ProviderError; an aborted signal ends the stream quietly. */
export interface Llm extends Lifecycle {
  readonly info: StageInfo;
  readonly capabilities: LlmCapabilities;
  stream(req: LlmRequest): AsyncIterable<LlmEvent>;
}
