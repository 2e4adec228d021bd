import { describe, expect, it } from "vitest";
import { seededRandom, systemClock } from "./clock.js";
import type { Llm, LlmEvent, LlmRequest } from "./contracts/llm.js";
import { Conversation, type DialoguePlan } from "./conversation.js";
import { Visit } from "./visit.js";
import { createEnergyVad } from "../stages/vad/energy/index.js";
import { FakeLipsync, FakeLlm, FakeStt, FakeTts, RecordingSink } from "../testing/fakes/stages.js";

const plan: DialoguePlan = {
  maxConversationMs: 300_000,
  phaseFor: () => ({ id: "mirroring", farewell: false }),
  systemPrompt: () => "be a mirror",
  extractFacts: () => [],
};
const ms = (n: number) => Math.round(n * 16);

function tone(durMs: number, amp = 0.3): Int16Array {
  const n = ms(durMs);
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.round(amp * 32767 * Math.sin((2 * Math.PI * 180 * i) / 16000) * (0.6 + 0.4 * Math.sin((2 * Math.PI * 4 * i) / 16000)));
  return out;
}

/** Records, for every stream it opens, how many mic samples had been fed when the brain was asked. */
class TimedLlm implements Llm {
  readonly inner = new FakeLlm();
  readonly info = this.inner.info;
  readonly capabilities = this.inner.capabilities;
  readonly calls: Array<{ atSample: number; signal: AbortSignal; userText: string }> = [];
  constructor(private readonly fed: () => number) {}
  stream(req: LlmRequest): AsyncIterable<LlmEvent> {
    this.calls.push({ atSample: this.fed(), signal: req.signal, userText: req.context.userText });
    return this.inner.stream(req);
  }
}

async function setup(texts: string[], opts: { speculative?: boolean } = {}) {
  const visit = new Visit({ language: "en" });
  const tts = new FakeTts(0);
  visit.voice = await tts.cloneVoice({ pcm: new Float32Array(16000), sampleRate: 16000, transcript: "x", language: "en" });
  const sink = new RecordingSink();
  let fed = 0;
  const llm = new TimedLlm(() => fed);
  const committedAt: number[] = [];
  const conv = new Conversation({
    stages: { vad: createEnergyVad({ hangoverMs: 160 }), stt: new FakeStt(texts, 5), llm, tts, lipsync: new FakeLipsync(), sinks: [sink] },
    plan,
    visit,
    clock: systemClock,
    random: seededRandom(1),
    onEvent: () => undefined,
    onMark: (_turn, mark) => {
      if (mark === "endOfTurn") committedAt.push(fed);
    },
    ...(opts.speculative !== undefined ? { speculative: opts.speculative } : {}),
  });
  const feed = async (pcm: Int16Array) => {
    for (let i = 0; i < pcm.length; i += 320) {
      conv.pushMic(pcm.slice(i, i + 320));
      fed += Math.min(320, pcm.length - i);
      // the fake STT finalizes after a few ms of wall time: let it, as a real one would within a frame or two
      await new Promise((r) => setTimeout(r, 2));
    }
  };
  return { visit, sink, llm, conv, feed, committedAt, fed: () => fed };
}

describe("end of turn with preemptive generation", () => {
  it("commits a finished sentence ~350 ms after the speech, with the brain already started on the final", async () => {
    const t = await setup(["I love walking in the forest with my dog"]);
    await t.feed(new Int16Array(ms(500)));
    await t.feed(tone(800));
    const speechEnd = ms(1300);
    await t.feed(new Int16Array(ms(1500)));
    expect(t.committedAt).toHaveLength(1);
    const waited = t.committedAt[0]! - speechEnd;
    expect(waited).toBeGreaterThanOrEqual(ms(350) - 320);
    expect(waited).toBeLessThanOrEqual(ms(350) + ms(200));
    // the brain was asked once, before the commit, and that very stream became the reply
    expect(t.llm.calls).toHaveLength(1);
    expect(t.llm.calls[0]!.atSample).toBeLessThan(t.committedAt[0]!);
    expect(t.llm.calls[0]!.signal.aborted).toBe(false);
    expect(t.visit.turns.map((x) => x.userText)).toEqual(["I love walking in the forest with my dog"]);
    expect(t.sink.of("turn-start")).toHaveLength(1);
    t.conv.close();
  });

  it("waits longer after a dangling word, and cancels the speculative reply when the visitor goes on", async () => {
    const t = await setup(["I went to the market and", "bought some apples"]);
    await t.feed(new Int16Array(ms(500)));
    await t.feed(tone(700));
    // a 500 ms pause: longer than the VAD's segment hangover, shorter than the hesitation wait
    await t.feed(new Int16Array(ms(500)));
    expect(t.llm.calls).toHaveLength(1);
    expect(t.committedAt).toHaveLength(0);
    expect(t.sink.events).toHaveLength(0); // nothing of the speculative reply was sent anywhere
    await t.feed(tone(600));
    expect(t.llm.calls[0]!.signal.aborted).toBe(true);
    await t.feed(new Int16Array(ms(1500)));
    expect(t.committedAt).toHaveLength(1);
    expect(t.llm.calls).toHaveLength(2);
    expect(t.llm.calls[1]!.userText).toBe("I went to the market and bought some apples");
    expect(t.visit.turns.map((x) => x.userText)).toEqual(["I went to the market and bought some apples"]);
    expect(t.sink.of("turn-start")).toHaveLength(1);
    t.conv.close();
  });

  it("a hesitation alone still ends the turn after the longer wait", async () => {
    const t = await setup(["my favourite colour is uh"]);
    await t.feed(new Int16Array(ms(500)));
    await t.feed(tone(700));
    await t.feed(new Int16Array(ms(1000)));
    expect(t.committedAt).toHaveLength(0);
    await t.feed(new Int16Array(ms(800)));
    expect(t.committedAt).toHaveLength(1);
    expect(t.committedAt[0]! - ms(1200)).toBeGreaterThanOrEqual(ms(1300) - 320);
    t.conv.close();
  });

  it("without speculation the brain is asked only at the commit", async () => {
    const t = await setup(["I love walking in the forest with my dog"], { speculative: false });
    await t.feed(new Int16Array(ms(500)));
    await t.feed(tone(800));
    await t.feed(new Int16Array(ms(1200)));
    expect(t.committedAt).toHaveLength(1);
    expect(t.llm.calls).toHaveLength(1);
    expect(t.llm.calls[0]!.atSample).toBeGreaterThanOrEqual(t.committedAt[0]!);
    t.conv.close();
  });
});
