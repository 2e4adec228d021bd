import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seededRandom, systemClock } from "../core/clock.js";
import type { Llm, LlmEvent } from "../core/contracts/llm.js";
import type { VoiceProfile } from "../core/contracts/tts.js";
import { runReply } from "../core/pipeline.js";
import { Turn } from "../core/turn.js";
import { contractRequest } from "../testing/contracts/llm.contract.js";
import { startGeminiFake } from "../testing/fakes/gemini-fake.js";
import { startOpenAiFake } from "../testing/fakes/openai-fake.js";
import { FakeLipsync, FakeTts, RecordingSink } from "../testing/fakes/stages.js";
import type { FakeLlmServer } from "../testing/fakes/sse-fake.js";
import { llmChain, loadConfig } from "./config.js";
import { buildLlm } from "./providers.js";

const KEY = "AIza-secret-test-key";
let gemini: FakeLlmServer;
let ollama: FakeLlmServer;
beforeAll(async () => {
  gemini = await startGeminiFake({ firstTokenDelayMs: 30, tokensPerSecond: 300 }, { apiKey: KEY });
  ollama = await startOpenAiFake({ firstTokenDelayMs: 30, tokensPerSecond: 300 });
});
afterAll(async () => {
  await gemini.close();
  await ollama.close();
});

const env = (): NodeJS.ProcessEnv => ({
  GEMINI_API_KEY: KEY,
  MIRROR_LLM: "gemini,openai",
  MIRROR_GEMINI_BASE_URL: gemini.baseUrl,
  OPENAI_BASE_URL: `${ollama.baseUrl}/v1`,
  MIRROR_OPENAI_MODEL: "llama3.2:3b",
});

function chain(extra: Record<string, unknown> = {}, log?: (line: string) => void): Llm {
  const config = loadConfig({ env: env() });
  return buildLlm({ ...config.stages.llm, firstTokenTimeoutMs: 300, ...extra }, { env: env(), ...(log ? { log } : {}) });
}

async function text(llm: Llm): Promise<string> {
  let out = "";
  for await (const e of llm.stream(contractRequest("en", new AbortController().signal)) as AsyncIterable<LlmEvent>) if (e.type === "text-delta") out += e.text;
  return out;
}

describe("the brain's config", () => {
  it("reads the chain and every provider's endpoint from env, and ends it with the scripted engine", () => {
    const config = loadConfig({ env: { ...env(), MIRROR_GEMINI_MODEL: "gemini-2.5-flash", MIRROR_GGUF_PATH: "/models/x.gguf" } });
    expect(llmChain(config.stages.llm)).toEqual(["gemini", "openai", "scripted"]);
    expect(config.stages.llm.gemini).toMatchObject({ model: "gemini-2.5-flash", baseUrl: gemini.baseUrl });
    expect(config.stages.llm.openai).toMatchObject({ model: "llama3.2:3b", baseUrl: `${ollama.baseUrl}/v1` });
    expect(config.stages.llm.gguf.path).toBe("/models/x.gguf");
    expect(llmChain(loadConfig({ env: {} }).stages.llm)).toEqual(["scripted"]);
    expect(llmChain(loadConfig({ env: {}, overrides: { stages: { llm: { provider: "gemini", scriptedLast: false } } } }).stages.llm)).toEqual(["gemini"]);
  });

  it("never puts an API key in the config, and rejects unknown providers", () => {
    expect(JSON.stringify(loadConfig({ env: env() }))).not.toContain(KEY);
    expect(() => loadConfig({ env: { MIRROR_LLM: "gemini,gpt5" } })).toThrow(/stages\.llm\.chain/);
  });

  it("leaves out a provider it cannot set up, says why (without secrets), and still answers", async () => {
    const lines: string[] = [];
    const config = loadConfig({ env: { MIRROR_LLM: "gemini,gguf" } });
    const llm = buildLlm(config.stages.llm, { env: {}, log: (l) => lines.push(l) });
    expect(llm.info.id).toBe("llm/scripted");
    expect(lines.join("\n")).toMatch(/gemini left out: GEMINI_API_KEY is not set[\s\S]*gguf left out: no model path/);
    expect(await text(llm)).not.toBe("");
  });
});

describe("failover through the configured chain (official clients → local fakes)", () => {
  it("Gemini answers when it is healthy", async () => {
    gemini.reset();
    const before = gemini.requests.length;
    expect(await text(chain())).toMatch(/^Hello, it is me\./);
    expect(gemini.requests.length).toBe(before + 1);
  });

  it("a first token later than the timeout hands over to the next provider, which answers", async () => {
    gemini.set({ firstTokenDelayMs: 2_000 });
    const lines: string[] = [];
    const llm = chain({}, (l) => lines.push(l));
    const t0 = performance.now();
    const before = ollama.requests.length;
    expect(await text(llm)).toMatch(/^Hello, it is me\./);
    expect(performance.now() - t0).toBeLessThan(1_000);
    expect(ollama.requests.length).toBe(before + 1);
    expect(gemini.requests.at(-1)?.aborted).toBe(true);
    expect(lines.join("\n")).toMatch(/llm\/gemini failed/);
    expect(lines.join("\n")).not.toContain(KEY);
    gemini.reset();
  });

  it("a failed provider is skipped on the next turns while it is marked unhealthy", async () => {
    gemini.set({ failStatus: 503 });
    const llm = chain({ unhealthyForMs: 60_000 });
    await text(llm);
    gemini.reset();
    const before = gemini.requests.length;
    await text(llm);
    await text(llm);
    expect(gemini.requests.length).toBe(before);
    expect((await llm.health?.())?.detail).toMatch(/llm\/gemini: down \(failed recently/);
  });

  it("a mid-stream failure of the first provider still gives a spoken answer in the same turn", async () => {
    gemini.set({ errorAfterTokens: 3 });
    ollama.set({ malformedAfterTokens: 2 });
    const sink = new RecordingSink();
    const turn = new Turn(1, systemClock);
    const voice: VoiceProfile = { id: "v", provider: "tts/fake", language: "en", medianF0Hz: 200, syllablesPerSecond: 4, state: {} };
    const req = contractRequest("en", turn.signal);
    const result = await runReply(turn, { ...req, context: { ...req.context, random: seededRandom(3) } }, voice, {
      llm: chain(),
      tts: new FakeTts(0),
      lipsync: new FakeLipsync(),
      sinks: [sink],
    });
    gemini.reset();
    ollama.reset();
    expect(result.completed).toBe(true);
    expect(result.error).toBeUndefined();
    // the scripted engine answered: Gemini's three words and the broken chunk left no trace
    expect(result.spokenText).not.toMatch(/^Hello, it/);
    expect(result.spokenText.length).toBeGreaterThan(10);
    expect(sink.of("audio").length).toBeGreaterThan(0);
    expect(sink.of("turn-end")).toHaveLength(1);
  });
});
