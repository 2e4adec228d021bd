import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Llm, LlmEvent } from "../../../core/contracts/llm.js";
import { ProviderError } from "../../../core/errors.js";
import { contractRequest, llmContract } from "../../../testing/contracts/llm.contract.js";
import { remoteLlmContract } from "../../../testing/contracts/remote-llm.contract.js";
import { startGeminiFake } from "../../../testing/fakes/gemini-fake.js";
import type { FakeLlmServer } from "../../../testing/fakes/sse-fake.js";
import { createGeminiLlm } from "./gemini-llm.js";

const KEY = "test-key-never-logged";
const FAST = { firstTokenDelayMs: 20, tokensPerSecond: 400 };

let fake: FakeLlmServer;
let broken: FakeLlmServer;
beforeAll(async () => {
  fake = await startGeminiFake(FAST, { apiKey: KEY });
  broken = await startGeminiFake({ ...FAST, failStatus: 500 }, { apiKey: KEY });
});
afterAll(async () => {
  await fake.close();
  await broken.close();
});

const gemini = (server: () => FakeLlmServer, apiKey = KEY): Llm => createGeminiLlm({ apiKey, baseUrl: server().baseUrl, model: "gemini-2.0-flash" });

llmContract("gemini (official client → local fake)", () => gemini(() => fake), { failing: () => gemini(() => broken) });
remoteLlmContract("gemini (official client → local fake)", {
  fake: () => fake,
  make: (apiKey) => gemini(() => fake, apiKey),
  wrongKey: { key: "wrong-key-123", status: 400 },
  startFake: () => startGeminiFake(FAST, { apiKey: KEY }),
  makeAt: (baseUrl) => createGeminiLlm({ apiKey: KEY, baseUrl, model: "gemini-2.0-flash" }),
});

// The real service, only when asked for: MIRROR_TEST_LIVE=1 GEMINI_API_KEY=… (never in CI, which has no network).
const live = process.env.MIRROR_TEST_LIVE === "1" ? process.env.GEMINI_API_KEY : undefined;
if (live) {
  llmContract(
    "gemini (live service)",
    () => createGeminiLlm({ apiKey: live, ...(process.env.MIRROR_GEMINI_MODEL ? { model: process.env.MIRROR_GEMINI_MODEL } : {}) }),
    { abortWithinMs: 200, failing: () => createGeminiLlm({ apiKey: "invalid-key" }) },
  );
}

async function run(llm: Llm, signal = new AbortController().signal): Promise<LlmEvent[]> {
  const out: LlmEvent[] = [];
  for await (const e of llm.stream(contractRequest("en", signal))) out.push(e);
  return out;
}

describe("gemini provider", () => {
  it("sends the phase's prompt as systemInstruction, the history as contents, the key as x-goog-api-key", async () => {
    fake.reset();
    const before = fake.requests.length;
    await run(gemini(() => fake));
    const req = fake.requests[before];
    expect(req?.path).toBe("/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse");
    expect(req?.headers["x-goog-api-key"]).toBe(KEY);
    expect(req?.system).toContain("mirror");
    expect(req?.userText).toBe("I love sailing on the lake with my father.");
    const contents = req?.body.contents as Array<{ role: string }>;
    expect(contents[0]?.role).toBe("user");
    expect(contents.map((c) => c.role)).toContain("model");
    expect((req?.body.generationConfig as { maxOutputTokens?: number }).maxOutputTokens).toBe(120);
  });

  it("greets with a stage cue when the visitor has said nothing yet", async () => {
    const before = fake.requests.length;
    for await (const e of gemini(() => fake).stream(contractRequest("nl", new AbortController().signal, { greeting: true }))) void e;
    expect(fake.requests[before]?.userText).toMatch(/De bezoeker is net voor je gaan zitten/);
  });

  it("refuses to start without a key", () => {
    expect(() => createGeminiLlm({ apiKey: "" })).toThrow(ProviderError);
  });
});
