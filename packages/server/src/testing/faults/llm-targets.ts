/** Gemini and OpenAI-compatible chat behind the fault proxy, with the scripted engine as the fallback. */
import type { Llm } from "../../core/contracts/llm.js";
import { withFallback } from "../../core/fallback.js";
import { createGeminiLlm } from "../../stages/llm/gemini/index.js";
import { createOpenAiLlm } from "../../stages/llm/openai/index.js";
import { createScriptedLlm } from "../../stages/llm/scripted/index.js";
import { contractRequest } from "../contracts/llm.contract.js";
import { startGeminiFake } from "../fakes/gemini-fake.js";
import { startOpenAiFake } from "../fakes/openai-fake.js";
import { AttemptRecorder, RecorderSlot } from "./attempt-recorder.js";
import { PROVIDER_LIMIT_MS, httpCases, type FaultTarget } from "./fault-table.js";
import { startHttpFaultProxy } from "./http-fault-proxy.js";

const FAST = { firstTokenDelayMs: 5, tokensPerSecond: 2_000, tokensPerChunk: 4 };
const KEY = "test-key-not-real";

function llmTarget(kind: "gemini" | "openai"): FaultTarget {
  const providerId = kind === "gemini" ? "llm/gemini" : "llm/openai";
  const malformedSse = kind === "gemini" ? 'data: {"candidates": [{"content": \r\n\r\n' : 'data: {"choices": [{"delta": \n\n';
  return {
    providerId,
    fallbackId: "llm/scripted",
    cases: httpCases({ malformed: { kind: "malformed", contentType: "text/event-stream", body: malformedSse }, truncateAfterBytes: 12 }),
    async start() {
      const fake = kind === "gemini" ? await startGeminiFake(FAST, { apiKey: KEY }) : await startOpenAiFake(FAST, { apiKey: KEY });
      const proxy = await startHttpFaultProxy(fake.baseUrl);
      const limits = { timeoutMs: 10_000, firstChunkTimeoutMs: PROVIDER_LIMIT_MS, idleTimeoutMs: PROVIDER_LIMIT_MS };
      const provider: Llm =
        kind === "gemini"
          ? createGeminiLlm({ apiKey: KEY, baseUrl: proxy.url, ...limits })
          : createOpenAiLlm({ apiKey: KEY, baseUrl: `${proxy.url}/v1`, model: "llama3.2:3b", ...limits });
      const slot = new RecorderSlot();
      const chain = withFallback([provider, createScriptedLlm()], { onAnyError: true, unhealthyForMs: 0, onFailure: slot.onFailure, onSuccess: slot.onSuccess });
      // one unmeasured request: client and connection warm
      for await (const _ of chain.stream(contractRequest("en", new AbortController().signal)));
      return {
        setFault: (c) => proxy.set(c.fault, c.match),
        settled: (ms) => proxy.settled(ms),
        async attempt(board) {
          const rec = (slot.current = new AttemptRecorder(providerId, board));
          for await (const ev of chain.stream(contractRequest("en", new AbortController().signal))) {
            if (ev.type === "text-delta") rec.output(ev.text.length);
          }
          return rec.result();
        },
        async close() {
          await chain.close?.();
          await proxy.close();
          await fake.close();
        },
      };
    },
  };
}

export const LLM_TARGETS: readonly FaultTarget[] = [llmTarget("gemini"), llmTarget("openai")];
