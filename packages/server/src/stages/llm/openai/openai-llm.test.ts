import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Llm, LlmEvent } from "../../../core/contracts/llm.js";
import { contractRequest, llmContract } from "../../../testing/contracts/llm.contract.js";
import { remoteLlmContract } from "../../../testing/contracts/remote-llm.contract.js";
import { startOpenAiFake } from "../../../testing/fakes/openai-fake.js";
import type { FakeLlmServer } from "../../../testing/fakes/sse-fake.js";
import { createOpenAiLlm } from "./openai-llm.js";

const KEY = "sk-test-never-logged";
const FAST = { firstTokenDelayMs: 20, tokensPerSecond: 400 };

let fake: FakeLlmServer;
let broken: FakeLlmServer;
beforeAll(async () => {
  fake = await startOpenAiFake(FAST, { apiKey: KEY });
  broken = await startOpenAiFake({ ...FAST, failStatus: 500 });
});
afterAll(async () => {
  await fake.close();
  await broken.close();
});

const openai = (server: () => FakeLlmServer, apiKey = KEY): Llm => createOpenAiLlm({ apiKey, baseUrl: `${server().baseUrl}/v1`, model: "llama3.2:3b" });

llmContract("openai-compatible (official client → local fake)", () => openai(() => fake), { failing: () => openai(() => broken) });
remoteLlmContract("openai-compatible (official client → local fake)", {
  fake: () => fake,
  make: (apiKey) => openai(() => fake, apiKey),
  wrongKey: { key: "sk-wrong-123", status: 401 },
  startFake: () => startOpenAiFake(FAST),
  makeAt: (baseUrl) => createOpenAiLlm({ baseUrl: `${baseUrl}/v1`, model: "m" }),
});

// A real server, only when asked for: MIRROR_TEST_LIVE=1 OPENAI_BASE_URL=http://ollama:11434/v1 MIRROR_OPENAI_MODEL=…
const liveUrl = process.env.MIRROR_TEST_LIVE === "1" ? process.env.OPENAI_BASE_URL : undefined;
if (liveUrl && process.env.MIRROR_OPENAI_MODEL) {
  const model = process.env.MIRROR_OPENAI_MODEL;
  llmContract(
    "openai-compatible (live server)",
    () => createOpenAiLlm({ baseUrl: liveUrl, model, ...(process.env.OPENAI_API_KEY ? { apiKey: process.env.OPENAI_API_KEY } : {}) }),
    { abortWithinMs: 200, failing: () => createOpenAiLlm({ baseUrl: liveUrl, model: "no-such-model-mirror-test" }) },
  );
}

async function run(llm: Llm, signal = new AbortController().signal): Promise<LlmEvent[]> {
  const out: LlmEvent[] = [];
  for await (const e of llm.stream(contractRequest("en", signal))) out.push(e);
  return out;
}

describe("openai-compatible provider", () => {
  it("sends the phase's prompt as the system message, the model, the key as a bearer token", async () => {
    fake.reset();
    const before = fake.requests.length;
    await run(openai(() => fake));
    const req = fake.requests[before];
    expect(req?.path).toBe("/v1/chat/completions");
    expect(req?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(req?.model).toBe("llama3.2:3b");
    expect(req?.system).toContain("mirror");
    expect(req?.userText).toBe("I love sailing on the lake with my father.");
    expect(req?.body.max_tokens).toBe(120);
    expect(req?.completed).toBe(true);
  });
});
