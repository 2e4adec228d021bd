import type { IncomingMessage } from "node:http";
import { startSseFake, type FakeLlmBehaviour, type FakeLlmServer, type SseDialect } from "./sse-fake.js";

interface Message {
  role?: string;
  content?: string | Array<{ type?: string; text?: string }>;
}

const textOf = (m: Message | undefined): string =>
  typeof m?.content === "string" ? m.content : (m?.content ?? []).map((p) => p.text ?? "").join("");

/**
 * An OpenAI-compatible chat completions server (Ollama, vLLM, llama.cpp server, LM Studio):
 * `POST /v1/chat/completions` with `stream: true` answers SSE `data: {choices:[{delta:{content}}]}` … `data: [DONE]`.
 */
export const openAiDialect = (expectedKey?: string): SseDialect => {
  const created = Math.floor(Date.now() / 1000);
  return {
    parse(req: IncomingMessage, body) {
      if (req.method !== "POST" || !/^\/(?:v1\/)?chat\/completions$/.test(req.url ?? "") || body.stream !== true) return undefined;
      const messages = (body.messages as Message[] | undefined) ?? [];
      const system = messages.filter((m) => m.role === "system" || m.role === "developer").map(textOf).join("\n");
      const lastUser = [...messages].reverse().find((m) => m.role === "user");
      return { system, userText: textOf(lastUser), model: typeof body.model === "string" ? body.model : "" };
    },
    refuse: (req) => (expectedKey !== undefined && req.headers.authorization !== `Bearer ${expectedKey}` ? 401 : undefined),
    errorBody: (status) => ({
      error: {
        message: status === 401 ? "Incorrect API key provided." : status === 404 ? "model not found" : "server overloaded",
        type: status === 401 ? "invalid_request_error" : "server_error",
        code: status === 401 ? "invalid_api_key" : null,
      },
    }),
    chunk: (text, index, last, req) => ({
      id: "chatcmpl-fake",
      object: "chat.completion.chunk",
      created,
      model: req.model,
      choices: [{ index: 0, delta: index === 0 ? { role: "assistant", content: text } : { content: text }, finish_reason: last ? "stop" : null }],
    }),
    midStreamError: () => ({ error: { message: "upstream model crashed", type: "server_error", code: 500 } }),
    done: "[DONE]",
    separator: "\n\n",
  };
};

/** A fake OpenAI-compatible server on 127.0.0.1; its base URL (for the client) is `${baseUrl}/v1`. */
export function startOpenAiFake(behaviour: Partial<FakeLlmBehaviour> = {}, opts: { apiKey?: string } = {}): Promise<FakeLlmServer> {
  return startSseFake(openAiDialect(opts.apiKey), behaviour);
}
