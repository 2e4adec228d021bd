import { describe, expect, it } from "vitest";
import { OUTPUT_SAMPLE_RATE } from "@mirror/protocol";
import { seededRandom, systemClock } from "./clock.js";
import { Conversation, type DialoguePlan } from "./conversation.js";
import { runReply } from "./pipeline.js";
import { Turn } from "./turn.js";
import { Visit } from "./visit.js";
import { createEnergyVad } from "../stages/vad/energy/index.js";
import { FakeLipsync, FakeLlm, FakeStt, FakeTts, RecordingSink } from "../testing/fakes/stages.js";

const plan: DialoguePlan = {
  maxConversationMs: 300_000,
  phaseFor: () => ({ id: "mirroring", farewell: false }),
  systemPrompt: () => "be a mirror",
  extractFacts: () => [],
};

function context() {
  return { language: "en" as const, phase: "mirroring", turnIndex: 1, elapsedMs: 0, remainingMs: 1000, facts: [], userText: "hi", random: seededRandom(1) };
}

async function voice(tts: FakeTts) {
  return tts.cloneVoice({ pcm: new Float32Array(16000), sampleRate: 16000, transcript: "x", language: "en" });
}

describe("a reply turn", () => {
  it("hands the same AbortSignal to LLM, TTS and lip-sync and stops all of them when aborted", async () => {
    const llm = new FakeLlm("One two three four five. Six seven eight nine ten. Eleven twelve thirteen.".split(" "), 3);
    const tts = new FakeTts(2);
    const lipsync = new FakeLipsync();
    const sink = new RecordingSink();
    const turn = new Turn(1, systemClock);
    const run = runReply(turn, { system: "", messages: [], context: context() }, await voice(tts), { llm, tts, lipsync, sinks: [sink] });
    await new Promise((r) => setTimeout(r, 60));
    const audioBefore = sink.of("audio").length;
    expect(audioBefore).toBeGreaterThan(0);
    turn.abort("barge-in");
    const result = await run;
    expect(result.completed).toBe(false);
    for (const s of [...llm.signals, ...tts.signals, ...lipsync.signals]) expect(s).toBe(turn.signal);
    expect(llm.signals).toHaveLength(1);
    expect(tts.signals.length).toBeGreaterThan(0);
    expect(lipsync.signals).toHaveLength(1);
    expect(turn.signal.aborted).toBe(true);
    // nothing reaches the sinks after the abort, and the turn never claims to have ended normally
    const after = sink.events.length;
    await new Promise((r) => setTimeout(r, 30));
    expect(sink.events.length).toBe(after);
    expect(sink.of("turn-end")).toHaveLength(0);
    expect(result.spokenText.split(" ").length).toBeLessThan(13);
  });

  it("stamps audio and frames on one sample clock and records the latency marks in order", async () => {
    const tts = new FakeTts(0);
    const sink = new RecordingSink();
    const turn = new Turn(2, systemClock);
    turn.mark("speechEnd");
    const result = await runReply(turn, { system: "", messages: [], context: context() }, await voice(tts), {
      llm: new FakeLlm(),
      tts,
      lipsync: new FakeLipsync(),
      sinks: [sink],
    });
    expect(result.completed).toBe(true);
    const audio = sink.of("audio");
    let expected = 0;
    for (const a of audio) {
      expect(a.sample).toBe(expected);
      expected += a.pcm.length;
    }
    expect(sink.of("turn-end")[0]?.totalSamples).toBe(expected);
    // 11 words × 100 ms at 16 kHz, resampled to the output rate (a sample or two lost per sentence at most)
    expect(Math.abs(expected - 1.1 * OUTPUT_SAMPLE_RATE)).toBeLessThanOrEqual(6);
    const frames = sink.of("frames").flatMap((f) => f.frames);
    expect(frames.length).toBeGreaterThan(50);
    expect(frames.every((f, i) => i === 0 || f.sample > (frames[i - 1]?.sample ?? -1))).toBe(true);
    const t = turn.timings();
    for (const k of ["llmFirstToken", "firstSentence", "ttsFirstAudio", "firstLipFrame"] as const) expect(t[k]).toBeGreaterThanOrEqual(0);
    expect(t.llmFirstToken!).toBeLessThanOrEqual(t.firstSentence!);
    expect(t.firstSentence!).toBeLessThanOrEqual(t.ttsFirstAudio!);
    const startIdx = sink.events.findIndex((e) => e.type === "turn-start");
    expect(startIdx).toBe(0);
  });
});

function tone(ms: number, amp = 0.3): Int16Array {
  const n = (ms * 16000) / 1000;
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.round(amp * 32767 * Math.sin((2 * Math.PI * 180 * i) / 16000) * (0.6 + 0.4 * Math.sin((2 * Math.PI * 4 * i) / 16000)));
  return out;
}

describe("barge-in", () => {
  it("visitor speech while the double talks aborts the turn, interrupts every sink and is measured", async () => {
    const visit = new Visit({ language: "en" });
    const tts = new FakeTts(8);
    visit.voice = await voice(tts);
    const sinks = [new RecordingSink(), new RecordingSink()];
    const llm = new FakeLlm("This is a long answer that keeps going for quite a while. It has many sentences. And more.".split(" "), 2);
    const done: number[] = [];
    const conv = new Conversation({
      stages: { vad: createEnergyVad(), stt: new FakeStt(), llm, tts, lipsync: new FakeLipsync(), sinks },
      plan,
      visit,
      clock: systemClock,
      random: seededRandom(3),
      onEvent: (ev) => {
        if (ev.type === "turn-done") done.push(ev.turn.id);
      },
    });
    const feed = async (pcm: Int16Array) => {
      for (let i = 0; i < pcm.length; i += 320) {
        conv.pushMic(pcm.slice(i, i + 320));
        await new Promise((r) => setTimeout(r, 1));
      }
    };
    await feed(new Int16Array(16000)); // room silence
    const greeting = conv.greet();
    await new Promise((r) => setTimeout(r, 40));
    conv.onPlayback(0, "started", systemClock.now());
    expect(conv.doubleAudible()).toBe(true);
    await feed(tone(700));
    await greeting;
    const turn0 = visit.turns[0]!;
    expect(turn0.interrupted).toBe(true);
    expect(turn0.signal.aborted).toBe(true);
    expect(llm.signals[0]!.aborted).toBe(true);
    for (const s of sinks) expect(s.of("interrupt").map((e) => e.turnId)).toEqual([0]);
    const t = turn0.timings();
    expect(t.bargeInStop).toBeGreaterThan(0);
    expect(t.bargeInStop).toBeLessThan(1000);
    // the visitor's words become the next turn
    await feed(new Int16Array(16000));
    await new Promise((r) => setTimeout(r, 100));
    expect(visit.turns[1]?.userText).toBe("hello mirror");
    conv.close();
  });
});
