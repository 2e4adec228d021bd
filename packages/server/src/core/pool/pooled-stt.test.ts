import { describe, expect, it } from "vitest";
import type { Stt, SttEvent } from "../contracts/stt.js";
import { ProviderError } from "../errors.js";
import { loadConfig } from "../../config/config.js";
import { buildProviders, closeProviders } from "../../config/providers.js";
import { EndpointPool } from "./endpoint-pool.js";
import { PoolRegistry } from "./pool-registry.js";
import { createPooledStt } from "./pooled-stt.js";

/** A batch STT that answers with its name and the sample count it got, or fails. */
function server(name: string, fail: () => boolean, heard: number[]): Stt {
  return {
    info: { id: `stt/${name}`, stage: "stt", languages: ["en"], local: false },
    capabilities: { streaming: false, partials: false, sampleRate: 16000 },
    open() {
      let n = 0;
      let done: () => void = () => undefined;
      const ended = new Promise<void>((r) => (done = r));
      return {
        push: (pcm) => void (n += pcm.length),
        end: () => done(),
        events: (async function* (): AsyncGenerator<SttEvent> {
          await ended;
          heard.push(n);
          if (fail()) throw new ProviderError(`stt/${name}`, "connection refused", { retryable: true });
          yield { type: "final", text: `${name}:${n}` };
        })(),
      };
    },
  };
}

async function finalOf(stt: Stt): Promise<string> {
  const s = stt.open({ language: "en", signal: new AbortController().signal });
  s.push(new Int16Array(1600));
  s.push(new Int16Array(800));
  s.end();
  let text = "";
  for await (const ev of s.events) if (ev.type === "final") text = ev.text;
  return text;
}

describe("pooled STT", () => {
  it("sends the whole utterance to one server, and the same audio to the next when that one fails", async () => {
    const heardA: number[] = [];
    const heardB: number[] = [];
    let aDown = false;
    const pool = new EndpointPool<Stt>({
      name: "stt/whisper",
      endpoints: [
        { id: "a", target: server("a", () => aDown, heardA), maxConcurrent: 1 },
        { id: "b", target: server("b", () => false, heardB), maxConcurrent: 1 },
      ],
    });
    const stt = createPooledStt(pool);
    expect(await finalOf(stt)).toMatch(/^(a|b):2400$/);
    aDown = true;
    const triedOnA = heardA.length;
    const texts = [await finalOf(stt), await finalOf(stt), await finalOf(stt)];
    expect(texts).toEqual(["b:2400", "b:2400", "b:2400"]);
    expect(heardA.length).toBeGreaterThan(triedOnA); // a was tried and failed, and b then got the same audio
    expect([...heardA, ...heardB].every((n) => n === 2400)).toBe(true);
    expect(pool.snapshot().endpoints.find((e) => e.endpoint === "a")?.failures).toBeGreaterThan(0);
  });

  it("fails with the last server's error when every server fails", async () => {
    const pool = new EndpointPool<Stt>({ name: "stt/whisper", endpoints: [{ id: "a", target: server("a", () => true, []), maxConcurrent: 1 }] });
    await expect(finalOf(createPooledStt(pool))).rejects.toThrow(/connection refused/);
  });
});

describe("Whisper STT pool from config", () => {
  it("MIRROR_STT_POOL puts the whisper-server stage behind a pool, visible in the registry", async () => {
    const config = loadConfig({ env: { MIRROR_STT_POOL: "http://127.0.0.1:9/v1*3,http://127.0.0.1:10/v1" }, overrides: { stages: { stt: { provider: "whisper-server" } } } });
    expect(config.pools.whisperStt?.endpoints.map((e) => e.maxConcurrent)).toEqual([3, 2]);
    const pools = new PoolRegistry();
    const providers = buildProviders(config, { env: {}, pools });
    // the pool is the chain's first member; the embedded recognizer takes over when every endpoint fails
    expect(providers.stt.info.id).toMatch(/^stt\/fallback\(pool:stt\/whisper,pocketsphinx/);
    expect(pools.snapshots().map((p) => p.pool)).toEqual(["stt/whisper"]);
    await closeProviders(providers);
  });
});
