/** Pools from config and env, wired under the fallback chains, and visible on `/metrics`. */
import { afterAll, describe, expect, it } from "vitest";
import { systemClock } from "../core/clock.js";
import type { LlmEvent } from "../core/contracts/llm.js";
import { PoolRegistry } from "../core/pool/pool-registry.js";
import { startServer } from "../http/server.js";
import { MetricsObserver } from "../observers/metrics.js";
import { createDialoguePlan } from "../script/plan.js";
import { contractRequest } from "../testing/contracts/llm.contract.js";
import { fixtureVoiceSample } from "../testing/contracts/tts.contract.js";
import { startF5SidecarFake, type F5SidecarFake } from "../testing/fakes/f5-sidecar-fake.js";
import { startOpenAiFake } from "../testing/fakes/openai-fake.js";
import type { FakeLlmServer } from "../testing/fakes/sse-fake.js";
import { loadConfig } from "./config.js";
import { buildLlm, buildProviders, closeProviders } from "./providers.js";

const closers: Array<() => Promise<void>> = [];
afterAll(async () => {
  await Promise.all(closers.map((c) => c()));
});

async function sidecars(n: number): Promise<F5SidecarFake[]> {
  const out = await Promise.all(Array.from({ length: n }, () => startF5SidecarFake({ firstChunkDelayMs: 5, chunkDelayMs: 1 })));
  closers.push(...out.map((f) => f.close));
  return out;
}

describe("pools in the config", () => {
  it("reads endpoints and their limits from MIRROR_F5_SIDECARS and MIRROR_LLM_POOL", () => {
    const config = loadConfig({ env: { MIRROR_F5_SIDECARS: "http://gpu1:9999*2, http://gpu2:9999", MIRROR_LLM_POOL: "http://gpu1:8000/v1" } });
    expect(config.pools.f5Sidecar?.endpoints).toEqual([
      { url: "http://gpu1:9999", maxConcurrent: 2 },
      { url: "http://gpu2:9999", maxConcurrent: 1 },
    ]);
    expect(config.pools.openaiLlm?.endpoints).toEqual([{ url: "http://gpu1:8000/v1", maxConcurrent: 8 }]);
    expect(loadConfig({ env: {} }).pools).toEqual({});
    expect(() => loadConfig({ env: { MIRROR_F5_SIDECARS: "not a url" } })).toThrow(/pools\.f5Sidecar\.endpoints/);
  });

  it("serves the F5 sidecar entry of the TTS chain from the pool, and shows it on /metrics (token-protected when set)", async () => {
    const [a, b] = await sidecars(2);
    const env = { MIRROR_TTS: "f5-sidecar", MIRROR_F5_SIDECARS: `${a?.url},${b?.url}` };
    const registry = new PoolRegistry();
    const providers = buildProviders(loadConfig({ env }), { env, pools: registry });
    closers.push(() => closeProviders(providers));
    const voice = await providers.tts.cloneVoice(fixtureVoiceSample(), new AbortController().signal);
    expect((a?.voices.size ?? 0) + (b?.voices.size ?? 0)).toBe(1);
    expect(registry.snapshots().map((s) => s.endpoints.length)).toEqual([2]);

    const metrics = new MetricsObserver();
    const server = await startServer({
      host: "127.0.0.1",
      port: 0,
      assets: new Map(),
      metrics,
      pools: registry,
      metricsToken: "t0ken",
      session: { providers, plan: createDialoguePlan(), clock: systemClock, random: Math.random, observers: [metrics], language: "en" },
    });
    closers.push(() => server.close());
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    const res = await fetch(`${server.url}/metrics`, { headers: { authorization: "Bearer t0ken" } });
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const host = (u: string | undefined) => new URL(u ?? "").host;
    for (const f of [a, b]) expect(text).toContain(`mirror_pool_endpoint_up{pool="tts/f5-sidecar",endpoint="${host(f?.url)}"} 1`);
    expect(text).toMatch(/mirror_pool_endpoint_requests_total\{pool="tts\/f5-sidecar",endpoint="[^"]+"\} 1/);
    expect(text).toContain("mirror_visits_active 0");
    await providers.tts.forgetVoice(voice);
  });

  it("an LLM pool answers from the other server when one fails before its first token", async () => {
    const servers: FakeLlmServer[] = [await startOpenAiFake({ firstTokenDelayMs: 5 }), await startOpenAiFake({ firstTokenDelayMs: 5 })];
    closers.push(...servers.map((s) => s.close));
    servers[0]?.set({ failStatus: 503 });
    const env = { MIRROR_LLM: "openai", MIRROR_LLM_POOL: servers.map((s) => `${s.baseUrl}/v1`).join(",") };
    const registry = new PoolRegistry();
    const config = loadConfig({ env });
    const llm = buildLlm({ ...config.stages.llm, scriptedLast: false }, { env, pools: registry }, config.pools);
    for (let i = 0; i < 3; i++) {
      let text = "";
      for await (const e of llm.stream(contractRequest("en", new AbortController().signal)) as AsyncIterable<LlmEvent>) if (e.type === "text-delta") text += e.text;
      expect(text.length).toBeGreaterThan(0);
    }
    const [snap] = registry.snapshots();
    const sick = snap?.endpoints.find((e) => e.failures > 0);
    expect(sick?.circuit).toBe("open"); // two failures in a row: it is left alone
    expect(servers[1]?.requests.length).toBe(3);
  });
});
