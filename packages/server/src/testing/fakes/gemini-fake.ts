import type { IncomingMessage } from "node:http";
import { startSseFake, type FakeLlmBehaviour, type FakeLlmServer, type SseDialect } from "./sse-fake.js";

interface Content {
  role?: string;
  parts?: Array<{ text?: string }>;
}

const STATUS: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
};

const textOf = (c: Content | undefined): string => (c?.parts ?? []).map((p) => p.text ?? "").join("");

/**
 * Gemini's streaming REST as the official client calls it: `POST /{version}/models/{model}:streamGenerateContent?alt=sse`
 * with `x-goog-api-key`; each SSE `data:` holds one GenerateContentResponse; no `[DONE]`, the stream just ends;
 * errors are `{error:{code,message,status}}`.
 */
export const geminiDialect = (expectedKey?: string): SseDialect => ({
  parse(req: IncomingMessage, body) {
    const match = /^\/v1(?:beta|alpha)?\/models\/([^/:]+):streamGenerateContent\?alt=sse$/.exec(req.url ?? "");
    if (!match || req.method !== "POST") return undefined;
    const contents = (body.contents as Content[] | undefined) ?? [];
    const lastUser = [...contents].reverse().find((c) => c.role === "user");
    return { system: textOf(body.systemInstruction as Content | undefined), userText: textOf(lastUser), model: decodeURIComponent(match[1] ?? "") };
  },
  refuse: (req) => (expectedKey !== undefined && req.headers["x-goog-api-key"] !== expectedKey ? 400 : undefined),
  errorBody: (status) => ({
    error: {
      code: status,
      message: status === 404 ? "Requested entity was not found." : status === 400 ? "API key not valid. Please pass a valid API key." : "The model is overloaded.",
      status: STATUS[status] ?? "UNKNOWN",
    },
  }),
  chunk: (text, index, last, req) => ({
    candidates: [{ content: { parts: [{ text }], role: "model" }, index: 0, ...(last ? { finishReason: "STOP" } : {}) }],
    usageMetadata: { promptTokenCount: req.system.length >> 2, ...(last ? { candidatesTokenCount: index + 1, totalTokenCount: (req.system.length >> 2) + index + 1 } : {}) },
    modelVersion: req.model,
    responseId: `fake-${index}`,
  }),
  midStreamError: () => ({ error: { code: 500, message: "An internal error has occurred.", status: "INTERNAL" } }),
  done: null,
  separator: "\r\n\r\n",
});

/** A fake Gemini API on 127.0.0.1; a wrong `x-goog-api-key` gets 400 INVALID_ARGUMENT, as from Google. */
export function startGeminiFake(behaviour: Partial<FakeLlmBehaviour> = {}, opts: { apiKey?: string } = {}): Promise<FakeLlmServer> {
  return startSseFake(geminiDialect(opts.apiKey), behaviour);
}
