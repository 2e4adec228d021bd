import type { Language } from "@mirror/protocol";
import { describe, expect, it, vi } from "vitest";
import { ManualClock, seededRandom } from "./clock.js";
import type { Llm, LlmEvent, LlmRequest } from "./contracts/llm.js";
import { AbortedError, ProviderError } from "./errors.js";
import { fallbackStream, retryStream, withFallback, withRetry } from "./fallback.js";

type Step = LlmEvent | Error | "wait-for-abort";

interface FakeLlm extends Llm {
  calls: number;
  /** the signal each call got */
  signals: AbortSignal[];
  closed: number;
}

/** An Llm that plays `steps` (a fresh script per call when given several). */
function fakeLlm(id: string, ...scripts: Step[][]): FakeLlm {
  const fake: FakeLlm = {
    info: { id, stage: "llm", languages: ["en", "nl"], local: true },
    capabilities: { streaming: true },
    calls: 0,
    signals: [],
    closed: 0,
    async *stream(req: LlmRequest) {
      const steps = scripts[Math.min(fake.calls, scripts.length - 1)] ?? [];
      fake.calls++;
      fake.signals.push(req.signal);
      try {
        for (const step of steps) {
          if (req.signal.aborted) return;
          if (step === "wait-for-abort") {
            await new Promise<void>((resolve) => req.signal.addEventListener("abort", () => resolve(), { once: true }));
            return;
          }
          if (step instanceof Error) throw step;
          yield step;
        }
      } finally {
        fake.closed++;
      }
    },
  };
  return fake;
}

const text = (t: string): LlmEvent => ({ type: "text-delta", text: t });
const finish: LlmEvent = { type: "finish", reason: "stop" };
const retryable = (provider: string): ProviderError => new ProviderError(provider, "503 overloaded", { retryable: true, status: 503 });
const fatal = (provider: string): ProviderError => new ProviderError(provider, "401 bad key", { retryable: false, status: 401 });

function request(signal = new AbortController().signal, language: Language = "en"): LlmRequest {
  return {
    system: "",
    messages: [{ role: "user", content: "hello" }],
    context: { language, phase: "mirroring", turnIndex: 1, elapsedMs: 0, remainingMs: 300_000, facts: [], userText: "hello", random: seededRandom(1) },
    signal,
  };
}

const textOf = (events: readonly LlmEvent[]): string => events.map((e) => (e.type === "text-delta" ? e.text : "")).join("");

async function run(llm: Llm, req = request()): Promise<LlmEvent[]> {
  const events: LlmEvent[] = [];
  for await (const event of llm.stream(req)) events.push(event);
  return events;
}

describe("withFallback", () => {
  it("hands over to the next provider on a retryable error before the first token", async () => {
    const gemini = fakeLlm("llm/gemini", [retryable("llm/gemini")]);
    const scripted = fakeLlm("llm/scripted", [text("Hello"), text(" you."), finish]);
    const onFallback = vi.fn();
    const events = await run(withFallback([gemini, scripted], { onFallback }));
    expect(events).toEqual([text("Hello you."), finish]);
    expect(onFallback).toHaveBeenCalledOnce();
    expect(onFallback).toHaveBeenCalledWith("llm/gemini", "llm/scripted", expect.objectContaining({ retryable: true }));
    expect(gemini.signals[0]?.aborted).toBe(true);
  });

  it("a mid-stream failure before the first sentence is complete leaves no trace: the next provider answers", async () => {
    const gemini = fakeLlm("llm/gemini", [text("I see"), text(" you lo"), retryable("llm/gemini")]);
    const scripted = fakeLlm("llm/scripted", [text("Hello."), text(" Who are we?"), finish]);
    const onFailure = vi.fn();
    const events = await run(withFallback([gemini, scripted], { onFailure }));
    expect(textOf(events)).toBe("Hello. Who are we?");
    expect(events.at(-1)).toEqual(finish);
    expect(onFailure).toHaveBeenCalledWith("llm/gemini", expect.any(ProviderError));
  });

  it("a mid-stream failure after whole sentences ends the reply there, without an error or half a sentence", async () => {
    const gemini = fakeLlm("llm/gemini", [text("Hello"), text(" Anna."), text(" You love sai"), retryable("llm/gemini")]);
    const scripted = fakeLlm("llm/scripted", [text("Other."), finish]);
    const onFailure = vi.fn();
    const events = await run(withFallback([gemini, scripted], { onFailure }));
    expect(events).toEqual([text("Hello Anna. "), finish]);
    expect(scripted.calls).toBe(0);
    expect(onFailure).toHaveBeenCalledOnce();
  });

  it("releases text where the chunker cuts, as soon as the space after it arrives", async () => {
    const gemini = fakeLlm("llm/gemini", [text("Hello"), text("."), text(" So"), text(", you"), text(" love it"), text("?"), finish]);
    expect(await run(withFallback([gemini]))).toEqual([text("Hello. "), text("So, you love it?"), finish]);
    // a long first sentence is released at its first clause break past 25 characters, a short one is not
    const long = fakeLlm("llm/gemini", [text("Hi, when I look at you from here"), text(", I see"), text(" me."), finish]);
    expect(await run(withFallback([long]))).toEqual([text("Hi, when I look at you from here, "), text("I see me."), finish]);
  });

  it("treats garbage (special tokens, control characters, raw JSON) as a failure and hands over", async () => {
    for (const junk of ["<|im_start|>assistant. ", "\u0000\u0001. ", '{"candidates": [], ']) {
      const broken = fakeLlm("llm/local", [text(junk), text("More. "), finish]);
      const scripted = fakeLlm("llm/scripted", [text("Hello."), finish]);
      expect(textOf(await run(withFallback([broken, scripted])))).toBe("Hello.");
    }
  });

  it("skips a provider that failed for a while, then tries it again", async () => {
    const clock = new ManualClock(0);
    const gemini = fakeLlm("llm/gemini", [retryable("llm/gemini")], [text("Gemini."), finish]);
    const scripted = fakeLlm("llm/scripted", [text("Scripted."), finish]);
    const chain = withFallback([gemini, scripted], { clock, unhealthyForMs: 10_000 });
    expect(textOf(await run(chain))).toBe("Scripted.");
    clock.advance(5_000);
    expect(textOf(await run(chain))).toBe("Scripted.");
    expect(gemini.calls).toBe(1);
    expect((await chain.health?.())?.detail).toMatch(/llm\/gemini: down \(failed recently/);
    clock.advance(5_001);
    expect(textOf(await run(chain))).toBe("Gemini.");
    expect(gemini.calls).toBe(2);
  });

  it("still tries an unhealthy provider when every provider is unhealthy", async () => {
    const clock = new ManualClock(0);
    const only = fakeLlm("llm/gemini", [retryable("llm/gemini")], [text("Back."), finish]);
    const chain = withFallback([only], { clock });
    await expect(run(chain)).rejects.toBeInstanceOf(ProviderError);
    expect(textOf(await run(chain))).toBe("Back.");
  });

  it("a provider that starts, then hangs, is given up after the idle timeout", async () => {
    const hanging = fakeLlm("llm/gemini", [text("Hel"), "wait-for-abort"]);
    const scripted = fakeLlm("llm/scripted", [text("Hi."), finish]);
    const events = await run(withFallback([hanging, scripted], { firstTokenTimeoutMs: 1_000, idleTimeoutMs: 30 }));
    expect(textOf(events)).toBe("Hi.");
    expect(hanging.signals[0]?.aborted).toBe(true);
  });

  it("does not hand over when the turn is aborted: the stream just ends", async () => {
    const controller = new AbortController();
    const gemini = fakeLlm("llm/gemini", ["wait-for-abort"]);
    const scripted = fakeLlm("llm/scripted", [text("Hi"), finish]);
    const onFallback = vi.fn();
    const pending = run(withFallback([gemini, scripted], { onFallback }), request(controller.signal));
    controller.abort();
    await expect(pending).resolves.toEqual([]);
    expect(scripted.calls).toBe(0);
    expect(onFallback).not.toHaveBeenCalled();
  });

  it("lets an abort error from a provider through without handing over", async () => {
    const gemini = fakeLlm("llm/gemini", [new AbortedError()]);
    const scripted = fakeLlm("llm/scripted", [text("Hi"), finish]);
    await expect(run(withFallback([gemini, scripted]))).rejects.toBeInstanceOf(AbortedError);
    expect(scripted.calls).toBe(0);
  });

  it("propagates a non-retryable error, unless onAnyError", async () => {
    const scripted = fakeLlm("llm/scripted", [text("Hi"), finish]);
    await expect(run(withFallback([fakeLlm("llm/gemini", [fatal("llm/gemini")]), scripted]))).rejects.toMatchObject({ status: 401 });
    expect(scripted.calls).toBe(0);
    const events = await run(withFallback([fakeLlm("llm/gemini", [fatal("llm/gemini")]), scripted], { onAnyError: true }));
    expect(events).toEqual([text("Hi"), finish]);
  });

  it("wraps foreign errors as ProviderError and treats network-like ones as retryable", async () => {
    const scripted = fakeLlm("llm/scripted", [text("Hi"), finish]);
    const onFallback = vi.fn();
    await run(withFallback([fakeLlm("llm/vllm", [new Error("ECONNREFUSED")]), scripted], { onFallback }));
    expect(onFallback.mock.calls[0]?.[2]).toBeInstanceOf(ProviderError);
  });

  it("throws the last provider's error when every provider fails", async () => {
    const chain = withFallback([fakeLlm("a", [retryable("a")]), fakeLlm("b", [retryable("b")])]);
    await expect(run(chain)).rejects.toMatchObject({ provider: "b" });
  });

  it("hands over when a provider finishes without saying anything", async () => {
    const silent = fakeLlm("llm/gemini", [finish]);
    const scripted = fakeLlm("llm/scripted", [text("Hi"), finish]);
    expect(await run(withFallback([silent, scripted]))).toEqual([text("Hi"), finish]);
    expect(await run(withFallback([fakeLlm("only", [finish])]))).toEqual([finish]);
  });

  it("skips providers that do not speak the visit's language", async () => {
    const englishOnly: FakeLlm = { ...fakeLlm("llm/en", [text("Hi"), finish]), info: { id: "llm/en", stage: "llm", languages: ["en"], local: true } };
    const scripted = fakeLlm("llm/scripted", [text("Hoi"), finish]);
    const chain = withFallback([englishOnly, scripted]);
    expect(chain.info.languages).toEqual(["en", "nl"]);
    expect(await run(chain, request(undefined, "nl"))).toEqual([text("Hoi"), finish]);
  });

  it("hands over when the first token is late, and aborts the late provider", async () => {
    const hanging = fakeLlm("llm/gemini", ["wait-for-abort"]);
    const scripted = fakeLlm("llm/scripted", [text("Hi"), finish]);
    const onFallback = vi.fn();
    const events = await run(withFallback([hanging, scripted], { firstTokenTimeoutMs: 20, onFallback }));
    expect(events).toEqual([text("Hi"), finish]);
    expect(hanging.signals[0]?.aborted).toBe(true);
    expect(onFallback.mock.calls[0]?.[2]).toMatchObject({ message: expect.stringContaining("no output within 20 ms") });
  });

  it("closes the provider when the consumer stops (barge-in)", async () => {
    const gemini = fakeLlm("llm/gemini", [text("One."), text(" Two."), text(" Three."), finish]);
    for await (const event of withFallback([gemini]).stream(request())) {
      expect(event).toEqual(text("One. "));
      break;
    }
    expect(gemini.closed).toBe(1);
  });

  it("is healthy while any provider is", async () => {
    const down: FakeLlm = { ...fakeLlm("a"), health: () => Promise.reject(new Error("unreachable")) };
    const health = await withFallback([down, fakeLlm("b")]).health?.();
    expect(health?.ok).toBe(true);
    expect(health?.detail).toContain("a: down (unreachable)");
  });
});

describe("fallbackStream", () => {
  type Item = { kind: "word" | "audio"; n: number };
  it("holds back items before the first committing one, so a failed try leaves no trace", async () => {
    const items: Item[] = [];
    const attempts = [
      async function* (): AsyncGenerator<Item> {
        yield { kind: "word", n: 1 };
        throw retryable("tts/f5");
      },
      async function* (): AsyncGenerator<Item> {
        yield { kind: "word", n: 2 };
        yield { kind: "audio", n: 3 };
      },
    ];
    for await (const item of fallbackStream(attempts, { ids: ["tts/f5", "tts/embedded"], isCommitted: (i) => i.kind === "audio" })) items.push(item);
    expect(items).toEqual([
      { kind: "word", n: 2 },
      { kind: "audio", n: 3 },
    ]);
  });
});

describe("withRetry / retryStream", () => {
  it("retries retryable errors before output with doubling backoff", async () => {
    const flaky = fakeLlm("llm/vllm", [retryable("llm/vllm")], [retryable("llm/vllm")], [text("Hi"), finish]);
    const sleeps: number[] = [];
    const onRetry = vi.fn();
    const events = await run(withRetry(flaky, { attempts: 3, baseDelayMs: 100, sleep: async (ms) => void sleeps.push(ms), onRetry }));
    expect(events).toEqual([text("Hi"), finish]);
    expect(flaky.calls).toBe(3);
    expect(sleeps).toEqual([100, 200]);
    expect(onRetry.mock.calls.map((c) => c[0])).toEqual([2, 3]);
  });

  it("gives up after the bounded number of attempts", async () => {
    const down = fakeLlm("llm/vllm", [retryable("llm/vllm")]);
    await expect(run(withRetry(down, { attempts: 2, sleep: async () => undefined }))).rejects.toMatchObject({ retryable: true });
    expect(down.calls).toBe(2);
  });

  it("does not retry non-retryable errors, or after text was yielded", async () => {
    const badKey = fakeLlm("llm/gemini", [fatal("llm/gemini")]);
    await expect(run(withRetry(badKey, { attempts: 3, sleep: async () => undefined }))).rejects.toMatchObject({ status: 401 });
    expect(badKey.calls).toBe(1);
    const midway = fakeLlm("llm/gemini", [text("Hel"), retryable("llm/gemini")]);
    await expect(run(withRetry(midway, { attempts: 3, sleep: async () => undefined }))).rejects.toBeInstanceOf(ProviderError);
    expect(midway.calls).toBe(1);
  });

  it("ends quietly when the turn is aborted during the backoff", async () => {
    const controller = new AbortController();
    let calls = 0;
    const events: string[] = [];
    const retried = retryStream<string>(
      async function* () {
        calls++;
        yield* [];
        throw retryable("x");
      },
      { attempts: 5, signal: controller.signal, sleep: async () => controller.abort() },
    );
    for await (const event of retried) events.push(event);
    expect(events).toEqual([]);
    expect(calls).toBe(1);
  });

  it("caps and spreads the backoff when given a random source", async () => {
    const sleeps: number[] = [];
    const down = fakeLlm("x", [retryable("x")]);
    await expect(
      run(withRetry(down, { attempts: 4, baseDelayMs: 100, maxDelayMs: 150, random: () => 0.5, sleep: async (ms) => void sleeps.push(ms) })),
    ).rejects.toBeInstanceOf(ProviderError);
    expect(sleeps).toEqual([50, 75, 75]);
  });
});

describe("withFallback timeouts count tokens, not released sentences", () => {
  it("a provider that keeps streaming a long sentence slowly is not idle", async () => {
    const words = Array.from({ length: 8 }, (_, i) => `w${i}`);
    const slow: Llm = {
      info: { id: "llm/slow", stage: "llm", languages: ["en", "nl"], local: true },
      capabilities: { streaming: true },
      async *stream() {
        for (const w of words) {
          await new Promise((r) => setTimeout(r, 15));
          yield { type: "text-delta", text: ` ${w}` };
        }
        yield { type: "text-delta", text: "." };
        yield { type: "finish", reason: "stop" };
      },
    };
    const scripted = fakeLlm("llm/scripted", [text("Other."), finish]);
    const events = await run(withFallback([slow, scripted], { idleTimeoutMs: 60 }));
    expect(textOf(events)).toBe(` ${words.join(" ")}.`);
    expect(scripted.calls).toBe(0);
  });
});
