import OpenAI from "openai";
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import type { Health } from "../../../core/contracts/common.js";
import type { Llm, LlmEvent, LlmRequest } from "../../../core/contracts/llm.js";
import { ProviderError } from "../../../core/errors.js";
import { CHAT_TIMEOUTS, chatTurns, relayText } from "../chat.js";

export interface OpenAiLlmOptions {
  /** e.g. http://ollama.lan:11434/v1, http://gpu-box:8000/v1 (vLLM); default the client's (api.openai.com) */
  baseUrl?: string;
  /** from OPENAI_API_KEY; local servers take any */
  apiKey?: string;
  model: string;
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
 * Any OpenAI-compatible chat completions server (Ollama, vLLM, llama.cpp server, LM Studio, OpenAI)
 * through the official `openai` client, streaming. The turn's AbortSignal aborts the HTTP request.
 */
export function createOpenAiLlm(opts: OpenAiLlmOptions): Llm {
  const id = opts.id ?? "llm/openai";
  if (!opts.model) throw new ProviderError(id, "no model configured", { retryable: false });
  const client = new OpenAI({
    apiKey: opts.apiKey || "not-needed",
    ...(opts.baseUrl ? { baseURL: opts.baseUrl } : {}),
    maxRetries: 0,
    timeout: opts.timeoutMs ?? 30_000,
    // the client would print a malformed chunk, which may hold the visitor's words
    logLevel: "off",
  });

  const timeouts = { firstItemMs: opts.firstChunkTimeoutMs ?? CHAT_TIMEOUTS.firstItemMs, idleMs: opts.idleTimeoutMs ?? CHAT_TIMEOUTS.idleMs };
  const stream = (req: LlmRequest): AsyncGenerator<LlmEvent> =>
    relayText(id, req.signal, async (signal) => {
      const messages: ChatCompletionMessageParam[] = [{ role: "system", content: req.system }, ...chatTurns(req)];
      const chunks = await client.chat.completions.create(
        {
          model: opts.model,
          messages,
          stream: true,
          temperature: req.temperature ?? opts.temperature ?? 0.8,
          max_tokens: req.maxOutputTokens ?? opts.maxOutputTokens ?? 200,
        },
        { signal },
      );
      return (async function* () {
        for await (const chunk of chunks) {
          const choice = chunk.choices[0];
          yield { text: choice?.delta?.content ?? "", length: choice?.finish_reason === "length" };
        }
      })();
    }, timeouts);

  return {
    info: { id, stage: "llm", languages: ["en", "nl"], local: false },
    capabilities: { streaming: true },
    stream,
    health: async (): Promise<Health> => ({ ok: true, detail: `${opts.model}${opts.baseUrl ? ` at ${safeUrl(opts.baseUrl)}` : ""}` }),
  };
}

/** The URL without credentials or query (for health reports). */
function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return "(invalid URL)";
  }
}
