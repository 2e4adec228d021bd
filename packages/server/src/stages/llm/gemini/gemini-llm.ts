import { GoogleGenAI, type Content, type GenerateContentResponse } from "@google/genai";
import type { Health } from "../../../core/contracts/common.js";
import type { Llm, LlmEvent, LlmRequest } from "../../../core/contracts/llm.js";
import { ProviderError } from "../../../core/errors.js";
import { CHAT_TIMEOUTS, chatTurns, relayText, type TextChunk } from "../chat.js";

export interface GeminiLlmOptions {
  /** from GEMINI_API_KEY; never logged */
  apiKey: string;
  /** default "gemini-2.0-flash" */
  model?: string;
  /** another endpoint (a proxy, or a local fake in tests) */
  baseUrl?: string;
  /** default "v1beta" */
  apiVersion?: string;
  temperature?: number;
  /** default 200 */
  maxOutputTokens?: number;
  /** whole-request timeout, ms; default 30 000 */
  timeoutMs?: number;
  /** no first chunk this long after the request: failed (retryable); default 15 000 */
  firstChunkTimeoutMs?: number;
  /** no chunk this long mid-reply: failed (retryable); default 8 000 */
  idleTimeoutMs?: number;
  id?: string;
}

/**
 * Gemini through the official `@google/genai` client (`generateContentStream`): the phase's system prompt
 * as `systemInstruction`, the visit's history as contents. The turn's AbortSignal aborts the HTTP request.
 */
export function createGeminiLlm(opts: GeminiLlmOptions): Llm {
  const id = opts.id ?? "llm/gemini";
  const model = opts.model ?? "gemini-2.0-flash";
  if (!opts.apiKey) throw new ProviderError(id, "no API key (set GEMINI_API_KEY)", { retryable: false });
  const ai = new GoogleGenAI({
    apiKey: opts.apiKey,
    httpOptions: {
      ...(opts.baseUrl ? { baseUrl: opts.baseUrl } : {}),
      apiVersion: opts.apiVersion ?? "v1beta",
      timeout: opts.timeoutMs ?? 30_000,
    },
  });

  const timeouts = { firstItemMs: opts.firstChunkTimeoutMs ?? CHAT_TIMEOUTS.firstItemMs, idleMs: opts.idleTimeoutMs ?? CHAT_TIMEOUTS.idleMs };
  const stream = (req: LlmRequest): AsyncGenerator<LlmEvent> =>
    relayText(id, req.signal, async (signal) => {
      const contents: Content[] = chatTurns(req).map((m) => ({ role: m.role === "assistant" ? "model" : "user", parts: [{ text: m.content }] }));
      const responses = await ai.models.generateContentStream({
        model,
        contents,
        config: {
          systemInstruction: req.system,
          temperature: req.temperature ?? opts.temperature ?? 0.8,
          maxOutputTokens: req.maxOutputTokens ?? opts.maxOutputTokens ?? 200,
          abortSignal: signal,
        },
      });
      return textChunks(id, responses);
    }, timeouts);

  return {
    info: { id, stage: "llm", languages: ["en", "nl"], local: false },
    capabilities: { streaming: true },
    stream,
    health: async (): Promise<Health> => ({ ok: true, detail: `${model}${opts.baseUrl ? " at a custom endpoint" : ""}` }),
  };
}

/** Gemini's responses as text chunks; a candidate stopped for safety/recitation before any text is a failure. */
async function* textChunks(id: string, responses: AsyncIterable<GenerateContentResponse>): AsyncGenerator<TextChunk> {
  let said = false;
  for await (const response of responses) {
    const text = textOf(response);
    const finish = response.candidates?.[0]?.finishReason;
    if (finish !== undefined && finish !== "STOP" && finish !== "MAX_TOKENS" && finish !== "FINISH_REASON_UNSPECIFIED" && !said) {
      throw new ProviderError(id, `refused (${finish})`, { retryable: true });
    }
    if (text !== "") said = true;
    yield { text, length: finish === "MAX_TOKENS" };
  }
}

/** The text parts of the first candidate (thoughts excluded). */
function textOf(response: GenerateContentResponse): string {
  const parts = response.candidates?.[0]?.content?.parts ?? [];
  return parts.map((p) => (p.thought === true ? "" : (p.text ?? ""))).join("");
}
