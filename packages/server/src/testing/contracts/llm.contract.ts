import type { Language } from "@mirror/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seededRandom } from "../../core/clock.js";
import type { ChatMessage, Llm, LlmEvent, LlmRequest } from "../../core/contracts/llm.js";
import { ProviderError } from "../../core/errors.js";
import type { PhaseId } from "../../script/experience.js";
import { systemPrompt } from "../../script/prompt.js";

export interface LlmContractOptions {
  /** how soon after an abort the stream must end; default 50 ms */
  abortWithinMs?: number;
  /** the first text must come within this long; default 5000 ms */
  firstTokenWithinMs?: number;
  /**
   * The same provider set up to fail (its server answers 500, a wrong key, a missing model file…):
   * proves failures surface as ProviderError. Omitted only for providers that cannot fail (the scripted engine).
   */
  failing?: () => Llm | Promise<Llm>;
  /** called with each measured first-token time, ms (for the report) */
  onFirstToken?: (ms: number) => void;
}

const VISITOR: Readonly<Record<Language, { facts: string[]; earlier: ChatMessage[]; says: string }>> = {
  en: {
    facts: ["my name is Anna", "I am a designer"],
    earlier: [
      { role: "assistant", content: "Hello. I have your face now, and your voice. Who are we?" },
      { role: "user", content: "My name is Anna. I am a designer." },
      { role: "assistant", content: "So your name is Anna. What do you love doing?" },
    ],
    says: "I love sailing on the lake with my father.",
  },
  nl: {
    facts: ["mijn naam is Anna", "ik ben ontwerper"],
    earlier: [
      { role: "assistant", content: "Hallo. Ik heb nu jouw gezicht, en jouw stem. Wie zijn wij?" },
      { role: "user", content: "Mijn naam is Anna. Ik ben ontwerper." },
      { role: "assistant", content: "Dus jouw naam is Anna. Wat doe je het liefst?" },
    ],
    says: "Ik hou van zeilen op het meer met mijn vader.",
  },
};

/** A realistic mid-visit request (or the greeting, turn 0, with no visitor words yet). */
export function contractRequest(language: Language, signal: AbortSignal, opts: { phase?: PhaseId; greeting?: boolean } = {}): LlmRequest {
  const visitor = VISITOR[language];
  const greeting = opts.greeting === true;
  const phase = opts.phase ?? (greeting ? "greeting" : "mirroring");
  const facts = greeting ? [] : visitor.facts;
  return {
    system: systemPrompt(phase, language, facts),
    messages: greeting ? [] : [...visitor.earlier, { role: "user", content: visitor.says }],
    context: {
      language,
      phase,
      turnIndex: greeting ? 0 : 2,
      elapsedMs: greeting ? 0 : 110_000,
      remainingMs: greeting ? 300_000 : 190_000,
      facts,
      userText: greeting ? "" : visitor.says,
      random: seededRandom(7),
    },
    signal,
    maxOutputTokens: 120,
  };
}

const MARKERS: Readonly<Record<Language, ReadonlySet<string>>> = {
  en: new Set(["the", "you", "your", "i", "are", "and", "what", "do", "to", "a", "of", "that", "it", "me", "my", "so", "why", "how", "with", "love"]),
  nl: new Set(["de", "het", "een", "ik", "je", "jij", "jouw", "wat", "en", "van", "niet", "dat", "mijn", "ben", "bent", "waarom", "hoe", "dus", "mij", "ook", "met"]),
};

/** Which of the two languages the text reads as, by counting common words. */
export function guessLanguage(text: string): Language | "unclear" {
  const words = text.toLowerCase().match(/\p{L}+/gu) ?? [];
  const en = words.filter((w) => MARKERS.en.has(w)).length;
  const nl = words.filter((w) => MARKERS.nl.has(w)).length;
  return en > nl ? "en" : nl > en ? "nl" : "unclear";
}

async function collect(events: AsyncIterable<LlmEvent>): Promise<LlmEvent[]> {
  const out: LlmEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

const textOf = (events: readonly LlmEvent[]): string => events.map((e) => (e.type === "text-delta" ? e.text : "")).join("");

/**
 * What every `Llm` provider must do, run against a fresh provider from `factory`
 * (a fake server for network providers). Call it inside a test file.
 */
export function llmContract(name: string, factory: () => Llm | Promise<Llm>, opts: LlmContractOptions = {}): void {
  const abortWithinMs = opts.abortWithinMs ?? 50;
  const firstTokenWithinMs = opts.firstTokenWithinMs ?? 5_000;

  describe(`Llm contract: ${name}`, () => {
    let llm: Llm;
    beforeAll(async () => {
      llm = await factory();
      await llm.warmup?.();
    });
    afterAll(async () => {
      await llm.close?.();
    });

    const languages = (): Language[] =>
      llm.info.languages === "any" ? ["en", "nl"] : llm.info.languages.filter((l): l is Language => l === "en" || l === "nl");
    const someLanguage = (): Language => languages()[0] ?? "en";

    it("describes itself as an LLM stage", () => {
      expect(llm.info.stage).toBe("llm");
      expect(llm.info.id).not.toBe("");
      expect(languages().length).toBeGreaterThan(0);
    });

    it("streams at least one text-delta, then exactly one finish, last", async () => {
      const events = await collect(llm.stream(contractRequest(someLanguage(), new AbortController().signal)));
      const finishes = events.filter((e) => e.type === "finish");
      expect(events.some((e) => e.type === "text-delta")).toBe(true);
      expect(finishes).toHaveLength(1);
      expect(events.at(-1)?.type).toBe("finish");
    });

    it("says something: the streamed text is not empty", async () => {
      const events = await collect(llm.stream(contractRequest(someLanguage(), new AbortController().signal)));
      expect(textOf(events).trim()).not.toBe("");
    });

    it("greets on turn 0, before the visitor said anything", async () => {
      const events = await collect(llm.stream(contractRequest(someLanguage(), new AbortController().signal, { greeting: true })));
      expect(textOf(events).trim()).not.toBe("");
      expect(events.at(-1)?.type).toBe("finish");
    });

    it("stops promptly, with no more text, when aborted mid-stream", async () => {
      const controller = new AbortController();
      const iterator = llm.stream(contractRequest(someLanguage(), controller.signal))[Symbol.asyncIterator]();
      let first = await iterator.next();
      while (!first.done && first.value.type !== "text-delta") first = await iterator.next();
      expect(first.done).toBe(false);

      controller.abort();
      const abortedAt = performance.now();
      const afterAbort: LlmEvent[] = [];
      const drained = (async () => {
        for (let r = await iterator.next(); !r.done; r = await iterator.next()) afterAbort.push(r.value);
      })();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const tooSlow = new Promise<"too slow">((resolve) => {
        timer = setTimeout(() => resolve("too slow"), abortWithinMs);
      });
      const outcome = await Promise.race([drained.then(() => "ended" as const), tooSlow]);
      clearTimeout(timer);
      expect(outcome).toBe("ended");
      expect(performance.now() - abortedAt).toBeLessThan(abortWithinMs);
      expect(afterAbort.filter((e) => e.type === "text-delta")).toEqual([]);
    });

    it("yields nothing and does not throw when the signal is already aborted", async () => {
      const controller = new AbortController();
      controller.abort();
      await expect(collect(llm.stream(contractRequest(someLanguage(), controller.signal)))).resolves.toEqual([]);
    });

    it("reports its first token as soon as it has it, before the reply is complete", async () => {
      const start = performance.now();
      let firstAt: number | undefined;
      let texts = 0;
      for await (const event of llm.stream(contractRequest(someLanguage(), new AbortController().signal))) {
        if (event.type !== "text-delta" || event.text === "") continue;
        firstAt ??= performance.now() - start;
        texts++;
      }
      expect(firstAt).toBeDefined();
      expect(firstAt ?? Infinity).toBeLessThan(firstTokenWithinMs);
      // streamed, not said in one piece at the end
      if (llm.capabilities.streaming) expect(texts).toBeGreaterThan(1);
      opts.onFirstToken?.(firstAt ?? NaN);
    });

    it("maps a failure to a ProviderError naming the provider", async (ctx) => {
      if (!opts.failing) return ctx.skip();
      const broken = await opts.failing();
      try {
        const error = await collect(broken.stream(contractRequest(someLanguage(), new AbortController().signal))).then(
          () => undefined,
          (err: unknown) => err,
        );
        expect(error).toBeInstanceOf(ProviderError);
        expect((error as ProviderError).provider).toBe(broken.info.id);
      } finally {
        await broken.close?.();
      }
    });

    for (const language of ["en", "nl"] as const) {
      it(`answers in ${language} when it declares ${language}`, async (ctx) => {
        if (!languages().includes(language)) ctx.skip();
        const events = await collect(llm.stream(contractRequest(language, new AbortController().signal)));
        expect(guessLanguage(textOf(events))).toBe(language);
      });
    }
  });
}
