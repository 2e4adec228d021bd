import { describe, expect, it } from "vitest";
import type { Llm, LlmEvent } from "../../core/contracts/llm.js";
import { ProviderError } from "../../core/errors.js";
import type { FakeLlmServer } from "../fakes/sse-fake.js";
import { contractRequest } from "./llm.contract.js";

export interface RemoteLlmContractOptions {
  /** the running fake the provider talks to (its behaviour is set per test) */
  fake: () => FakeLlmServer;
  /** the provider pointed at the fake, with this key (the right one when omitted) */
  make: (apiKey?: string) => Llm;
  /** a key the fake refuses, and the HTTP status the real service answers it with */
  wrongKey: { key: string; status: number };
  /** a fresh fake of the same dialect, to be stopped so that its address refuses connections */
  startFake: () => Promise<FakeLlmServer>;
  /** the provider pointed at a base URL of that fake */
  makeAt: (fakeBaseUrl: string) => Llm;
}

async function run(llm: Llm, signal = new AbortController().signal): Promise<LlmEvent[]> {
  const out: LlmEvent[] = [];
  for await (const e of llm.stream(contractRequest("en", signal))) out.push(e);
  return out;
}

/** What every provider behind an HTTP streaming API must do with a broken or hostile upstream. */
export function remoteLlmContract(name: string, o: RemoteLlmContractOptions): void {
  describe(`remote LLM contract: ${name}`, () => {
    it("an aborted turn closes the upstream request", async () => {
      const fake = o.fake();
      fake.set({ tokensPerSecond: 20 });
      const controller = new AbortController();
      const before = fake.requests.length;
      const events: LlmEvent[] = [];
      for await (const e of o.make().stream(contractRequest("en", controller.signal))) {
        events.push(e);
        controller.abort();
      }
      await new Promise((r) => setTimeout(r, 50));
      fake.reset();
      expect(events).toHaveLength(1);
      expect(fake.requests[before]?.aborted).toBe(true);
    });

    it("a mid-stream error is a ProviderError after the words already streamed", async () => {
      o.fake().set({ errorAfterTokens: 3 });
      const events: LlmEvent[] = [];
      const error = await (async () => {
        for await (const e of o.make().stream(contractRequest("en", new AbortController().signal))) events.push(e);
      })().catch((err: unknown) => err);
      o.fake().reset();
      expect(events.filter((e) => e.type === "text-delta")).toHaveLength(3);
      expect(error).toBeInstanceOf(ProviderError);
    });

    it("a malformed chunk is a ProviderError, and nothing of it is printed", async () => {
      o.fake().set({ malformedAfterTokens: 2 });
      const printed: unknown[] = [];
      const original = console.error;
      console.error = (...args: unknown[]) => printed.push(args);
      const error = await run(o.make())
        .catch((err: unknown) => err)
        .finally(() => (console.error = original));
      o.fake().reset();
      expect(error).toBeInstanceOf(ProviderError);
      expect(printed).toEqual([]);
    });

    it("a wrong key is a non-retryable ProviderError that does not quote the key", async () => {
      const error = await run(o.make(o.wrongKey.key)).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(ProviderError);
      expect((error as ProviderError).retryable).toBe(false);
      expect((error as ProviderError).status).toBe(o.wrongKey.status);
      expect(String((error as Error).message)).not.toContain(o.wrongKey.key);
    });

    it("overload (429/503) is retryable", async () => {
      for (const status of [429, 503]) {
        o.fake().set({ failStatus: status });
        const error = await run(o.make()).catch((err: unknown) => err);
        o.fake().reset();
        expect(error).toBeInstanceOf(ProviderError);
        expect((error as ProviderError).retryable).toBe(true);
      }
    });

    it("a server that cannot be reached is retryable", async () => {
      const gone = await o.startFake();
      const url = gone.baseUrl;
      await gone.close();
      const error = await run(o.makeAt(url)).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(ProviderError);
      expect((error as ProviderError).retryable).toBe(true);
    });
  });
}
