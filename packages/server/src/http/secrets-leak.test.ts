import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buildWebAssets } from "@mirror/web";
import { loadConfig } from "../config/config.js";
import { buildLlm } from "../config/providers.js";
import type { WebAsset } from "./server.js";
import { startGeminiFake } from "../testing/fakes/gemini-fake.js";
import { startOpenAiFake } from "../testing/fakes/openai-fake.js";
import type { FakeLlmServer } from "../testing/fakes/sse-fake.js";
import { KioskClient } from "../testing/kiosk-client.js";
import { fixtureVisitor, startTestServer, type TestServer } from "../testing/test-server.js";

const GEMINI_KEY = "AIzaSyLEAKCANARY-gemini-4f1d2c";
const OPENAI_KEY = "sk-LEAKCANARY-openai-9a8b7c";
const TOKEN = "console-token-LEAKCANARY-77";

function get(url: string, headers: Record<string, string> = {}, holdMs = 0): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve(Buffer.concat(chunks).toString("latin1")));
      // an event stream never ends by itself: read it for a while, then hang up
      if (holdMs) setTimeout(() => req.destroy(), holdMs);
      res.on("close", () => resolve(Buffer.concat(chunks).toString("latin1")));
    });
    req.on("error", (e) => (holdMs ? undefined : reject(e)));
    req.end();
  });
}

describe("API keys never leave the server", () => {
  let t: TestServer;
  let gemini: FakeLlmServer;
  let openai: FakeLlmServer;
  const printed: string[] = [];
  const llmLogs: string[] = [];
  let assets: Map<string, WebAsset>;

  beforeAll(async () => {
    // both remote brains refuse (a wrong key, then 401), so their errors reach the logs and the fallback answers
    gemini = await startGeminiFake({}, { apiKey: "the-right-key-is-another-one" });
    openai = await startOpenAiFake({ failStatus: 401 });
    const env = { GEMINI_API_KEY: GEMINI_KEY, OPENAI_API_KEY: OPENAI_KEY, MIRROR_LLM: "gemini,openai,scripted", MIRROR_GEMINI_BASE_URL: gemini.baseUrl, OPENAI_BASE_URL: `${openai.baseUrl}/v1` };
    const config = loadConfig({ env });
    const llm = buildLlm(config.stages.llm, { env, log: (l) => llmLogs.push(l) });
    for (const m of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, m).mockImplementation((...args: unknown[]) => void printed.push(args.map(String).join(" ")));
    }
    assets = await buildWebAssets();
    t = await startTestServer({ llm, assets, server: { consoleToken: TOKEN } });
  }, 60_000);

  afterAll(async () => {
    vi.restoreAllMocks();
    await t.close();
    await gemini.close();
    await openai.close();
  });

  it("not in any page, asset, API answer, event stream, kiosk message or log line", async () => {
    const v = fixtureVisitor();
    const kiosk = await KioskClient.connect(t.server.url);
    await kiosk.startVisit(v.photo, v.sample);
    const turn = v.turns[0];
    if (!turn) throw new Error("fixture has no turn");
    await kiosk.speak(turn.pcm, 8);
    await kiosk.speak(new Int16Array(16_000), 8);
    await kiosk.next("timings", { where: (m) => m.turnId > 0, timeoutMs: 20_000 });
    // the keys were really in use (Gemini refused its key before recording the request)
    expect(openai.requests[0]?.headers.authorization).toBe(`Bearer ${OPENAI_KEY}`);

    const auth = { authorization: `Bearer ${TOKEN}` };
    const bodies: string[] = [];
    // every served file (pages, bundles, worklets, models) and every API answer
    for (const path of [...assets.keys(), "/api/health", "/api/metrics", "/api/console/status"]) {
      bodies.push(await get(`${t.server.url}${path}`, auth));
    }
    bodies.push(await get(`${t.server.url}/api/console/events`, auth, 800));
    kiosk.send({ type: "end-visit", reason: "visitor" });
    await kiosk.next("purged");
    await kiosk.close();

    const everything = [...bodies, JSON.stringify(kiosk.messages), ...t.logs, ...llmLogs, ...printed].join("\n");
    expect(llmLogs.some((l) => /llm: .* failed/.test(l))).toBe(true); // the failures were logged…
    for (const key of [GEMINI_KEY, OPENAI_KEY, "LEAKCANARY"]) expect(everything.includes(key), key).toBe(false); // …without a key
    expect(bodies.length).toBe(assets.size + 4);
  }, 60_000);
});
