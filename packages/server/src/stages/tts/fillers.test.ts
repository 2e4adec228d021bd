import { describe, expect, it } from "vitest";
import { OUTPUT_SAMPLE_RATE } from "@mirror/protocol";
import { seededRandom, systemClock } from "../../core/clock.js";
import type { Llm, LlmEvent, LlmRequest } from "../../core/contracts/llm.js";
import { runReply } from "../../core/pipeline.js";
import { Turn } from "../../core/turn.js";
import { Visit } from "../../core/visit.js";
import { FakeLipsync, FakeLlm, FakeTts, RecordingSink } from "../../testing/fakes/stages.js";
import { DEFAULT_FILLER_TEXTS, prepareFillers } from "./fillers.js";

/** A brain that thinks `firstTokenMs` before it says anything. */
class SlowStartLlm implements Llm {
  readonly info;
  readonly capabilities = { streaming: true };
  constructor(
    private readonly inner: FakeLlm,
    private readonly firstTokenMs: number,
  ) {
    this.info = inner.info;
  }
  async *stream(req: LlmRequest): AsyncIterable<LlmEvent> {
    await new Promise((r) => setTimeout(r, this.firstTokenMs));
    yield* this.inner.stream(req);
  }
}

const context = { language: "en" as const, phase: "mirroring", turnIndex: 1, elapsedMs: 0, remainingMs: 1000, facts: [], userText: "hi", random: seededRandom(1) };

async function setup(delayMs: number) {
  const tts = new FakeTts(0);
  const visit = new Visit({ language: "en" });
  const voice = await tts.cloneVoice({ pcm: new Float32Array(16000), sampleRate: 16000, transcript: "x", language: "en" });
  const bank = await prepareFillers(tts, voice, visit.vault, new AbortController().signal, { delayMs });
  return { tts, visit, voice, bank };
}

async function reply(llm: Llm, delayMs: number) {
  const { tts, voice, bank } = await setup(delayMs);
  const sink = new RecordingSink();
  const turn = new Turn(1, systemClock);
  const result = await runReply(turn, { system: "", messages: [], context }, voice, { llm, tts, lipsync: new FakeLipsync(), sinks: [sink], filler: bank });
  return { sink, result, turn };
}

describe("fillers in the cloned voice", () => {
  it("pre-synthesizes every filler of the visit's language into the vault", async () => {
    const { bank, visit } = await setup(700);
    expect(bank.size).toBe(DEFAULT_FILLER_TEXTS.en.length);
    const seen = new Set<string>();
    for (let i = 0; i < bank.size; i++) {
      const f = bank.next();
      expect(f?.pcm.some((v) => v !== 0)).toBe(true);
      seen.add(f?.text ?? "");
    }
    expect([...seen].sort()).toEqual([...DEFAULT_FILLER_TEXTS.en].sort());
    expect(visit.vault.latest("voice-filler")).toBeDefined();
  });

  it("covers a slow brain: one filler first, then the reply right after it on the same sample clock", async () => {
    const { sink, result } = await reply(new SlowStartLlm(new FakeLlm("Hello there. I am your mirror.".split(" ")), 500), 100);
    const texts = sink.of("text").map((e) => e.text);
    expect(DEFAULT_FILLER_TEXTS.en).toContain(texts[0]);
    expect(texts.slice(1)).toEqual(["Hello there.", "I am your mirror."]);
    const audio = sink.of("audio");
    expect(audio[0]?.sample).toBe(0);
    const fillerSamples = audio[0]?.pcm.length ?? 0;
    expect(fillerSamples).toBeGreaterThan(OUTPUT_SAMPLE_RATE * 0.05);
    expect(audio[1]?.sample).toBe(fillerSamples);
    expect(result.completed).toBe(true);
    expect(result.spokenText.startsWith(texts[0] ?? "?")).toBe(true);
  });

  it("stays silent when the brain is fast", async () => {
    const { sink, result } = await reply(new FakeLlm("Hello there. I am your mirror.".split(" "), 1), 400);
    expect(sink.of("text").map((e) => e.text)).toEqual(["Hello there.", "I am your mirror."]);
    expect(result.spokenText).toBe("Hello there. I am your mirror.");
  });

  it("is interruptible like any reply", async () => {
    const { tts, voice, bank } = await setup(50);
    const sink = new RecordingSink();
    const turn = new Turn(1, systemClock);
    const llm = new SlowStartLlm(new FakeLlm(), 400);
    const run = runReply(turn, { system: "", messages: [], context }, voice, { llm, tts, lipsync: new FakeLipsync(), sinks: [sink], filler: bank });
    await new Promise((r) => setTimeout(r, 150));
    expect(sink.of("audio")).toHaveLength(1);
    turn.abort("barge-in");
    const result = await run;
    expect(result.completed).toBe(false);
    await new Promise((r) => setTimeout(r, 400));
    expect(sink.of("audio")).toHaveLength(1);
    expect(sink.of("turn-end")).toHaveLength(0);
  });

  it("is wiped with the visit", async () => {
    const { bank, visit } = await setup(700);
    const buffers = Array.from({ length: bank.size }, () => bank.next()?.pcm ?? new Float32Array(1));
    visit.fillers = bank;
    const record = await visit.purge("test");
    expect(record.items.filter((i) => i.kind === "voice-filler")).toHaveLength(buffers.length);
    for (const b of buffers) expect(b.every((v) => v === 0)).toBe(true);
    expect(bank.next()).toBeUndefined();
    expect(bank.size).toBe(0);
    expect(visit.fillers).toBeNull();
  });
});
