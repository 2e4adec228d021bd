import type { ServerMessage } from "@mirror/protocol";
import { describe, expect, it } from "vitest";
import { seededRandom, systemClock } from "../../../core/clock.js";
import type { SttEvent, SttStream } from "../../../core/contracts/stt.js";
import { Conversation } from "../../../core/conversation.js";
import { Visit } from "../../../core/visit.js";
import { FakeLipsync, FakeLlm, FakeStt, FakeTts, RecordingSink } from "../../../testing/fakes/stages.js";
import { createEnergyVad } from "../../vad/energy/index.js";
import { BrowserSttBridge } from "./bridge.js";
import { MicTimeline } from "./mic-timeline.js";

type Request = Extract<ServerMessage, { type: "stt-request" }>;

function kiosk(timeoutMs = 2_000) {
  const sent: ServerMessage[] = [];
  const bridge = new BrowserSttBridge({ send: (m) => sent.push(m), timeoutMs });
  const ready = (languages: Array<"en" | "nl"> = ["en", "nl"]) => bridge.handle({ type: "stt-status", state: "ready", device: "wasm", languages });
  const requests = () => sent.filter((m): m is Request => m.type === "stt-request");
  return { bridge, sent, ready, requests };
}

async function collect(stream: SttStream): Promise<SttEvent[]> {
  const events: SttEvent[] = [];
  for await (const ev of stream.events) events.push(ev);
  return events;
}

const frame = (n = 320) => new Int16Array(n).fill(100);

describe("the kiosk's Whisper as the conversation's STT", () => {
  it("asks for exactly the stretch the segment covers, in the kiosk's own sample stamps (a gap included), and its text is the final", async () => {
    const k = kiosk();
    k.ready();
    // 10 frames stamped from 1000, then the kiosk skipped 2 frames (stalled link), then 5 more
    for (let i = 0; i < 10; i++) k.bridge.onMic(1000 + i * 320, 320);
    for (let i = 0; i < 5; i++) k.bridge.onMic(1000 + (12 + i) * 320, 320);
    const fallback = new FakeStt("server words");
    const stream = k.bridge.stt(fallback).open({ language: "nl", signal: new AbortController().signal });
    for (let i = 0; i < 8; i++) stream.push(frame()); // the last 8 frames the server got: 3 before the gap, 5 after
    stream.end();
    const [req] = k.requests();
    expect(req).toEqual({ type: "stt-request", requestId: 1, fromSample: 1000 + 7 * 320, toSample: 1000 + 17 * 320, language: "nl" });
    const events = collect(stream);
    k.bridge.handle({ type: "stt-transcript", requestId: 1, text: "ik woon", final: false });
    k.bridge.handle({ type: "stt-transcript", requestId: 1, text: " ik woon in utrecht ", final: true, decodeMs: 80 });
    expect(await events).toEqual([
      { type: "partial", text: "ik woon" },
      { type: "final", text: "ik woon in utrecht" },
    ]);
    expect(fallback.samplesHeard).toBe(0);
    expect(k.bridge.stats).toMatchObject({ requests: 1, browserFinals: 1, fallbacks: 0 });
  });

  it("uses the server's STT at once while the kiosk's model loads, has failed, or does not do the visit's language", async () => {
    const k = kiosk();
    const fallback = new FakeStt("server words");
    const run = async (language: "en" | "nl") => {
      k.bridge.onMic(0, 320);
      const s = k.bridge.stt(fallback).open({ language, signal: new AbortController().signal });
      s.push(frame());
      s.end();
      return (await collect(s)).at(-1);
    };
    k.bridge.handle({ type: "stt-status", state: "loading" });
    expect(await run("en")).toEqual({ type: "final", text: "server words" });
    k.bridge.handle({ type: "stt-status", state: "failed", detail: "config.json: 404" });
    expect(await run("en")).toEqual({ type: "final", text: "server words" });
    k.ready(["en"]); // an English-only model
    expect(await run("nl")).toEqual({ type: "final", text: "server words" });
    expect(k.requests()).toHaveLength(0);
    expect(fallback.samplesHeard).toBe(3 * 320);
  });

  it("an error from the kiosk: the server's STT hears the segment's kept audio", async () => {
    const k = kiosk();
    k.ready();
    const fallback = new FakeStt("server words");
    for (let i = 0; i < 4; i++) k.bridge.onMic(i * 320, 320);
    const s = k.bridge.stt(fallback).open({ language: "en", signal: new AbortController().signal });
    for (let i = 0; i < 4; i++) s.push(frame());
    s.end();
    const events = collect(s);
    k.bridge.handle({ type: "stt-error", requestId: 1, message: "that audio is no longer held here" });
    expect((await events).at(-1)).toEqual({ type: "final", text: "server words" });
    expect(fallback.samplesHeard).toBe(4 * 320);
    expect(k.bridge.stats).toMatchObject({ errors: 1, fallbacks: 1, browserFinals: 0 });
  });

  it("no answer in time: the server's STT takes it, the kiosk is told to drop it, and a late answer changes nothing", async () => {
    const k = kiosk(60);
    k.ready();
    const fallback = new FakeStt("server words");
    k.bridge.onMic(0, 320);
    const s = k.bridge.stt(fallback).open({ language: "en", signal: new AbortController().signal });
    s.push(frame());
    const t0 = performance.now();
    s.end();
    const events = await collect(s);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(55);
    expect(events.at(-1)).toEqual({ type: "final", text: "server words" });
    expect(k.sent.at(-1)).toEqual({ type: "stt-cancel", requestId: 1 });
    k.bridge.handle({ type: "stt-transcript", requestId: 1, text: "too late", final: true });
    expect(k.bridge.stats).toMatchObject({ timeouts: 1, fallbacks: 1, browserFinals: 0 });
  });

  it("the visitor goes on (the segment is aborted): the kiosk is told to drop it and no final comes", async () => {
    const k = kiosk();
    k.ready();
    const abort = new AbortController();
    k.bridge.onMic(0, 320);
    const s = k.bridge.stt(new FakeStt()).open({ language: "en", signal: abort.signal });
    s.push(frame());
    s.end();
    const events = collect(s);
    abort.abort();
    expect(await events).toEqual([]);
    expect(k.sent.at(-1)).toEqual({ type: "stt-cancel", requestId: 1 });
  });

  it("the kiosk's model fails while a request waits: the server's STT takes it", async () => {
    const k = kiosk();
    k.ready();
    k.bridge.onMic(0, 320);
    const s = k.bridge.stt(new FakeStt("server words")).open({ language: "en", signal: new AbortController().signal });
    s.push(frame());
    s.end();
    const events = collect(s);
    k.bridge.handle({ type: "stt-status", state: "failed", detail: "webgpu device lost" });
    expect((await events).at(-1)).toEqual({ type: "final", text: "server words" });
  });
});

describe("MicTimeline", () => {
  it("maps the last samples received to the kiosk's stamps, and forgets what is older than it keeps", () => {
    const t = new MicTimeline(1000);
    t.add(50_000, 400);
    t.add(60_000, 400);
    t.add(60_400, 400);
    expect(t.lastStretch(500)).toEqual({ fromSample: 60_300, toSample: 60_800 });
    expect(t.lastStretch(1200)).toEqual({ fromSample: 50_000, toSample: 60_800 });
    t.add(60_800, 400);
    t.add(61_200, 400);
    expect(t.lastStretch(1600)).toBeNull(); // the first frames are gone
    expect(t.lastStretch(0)).toBeNull();
  });
});

describe("a turn heard by the kiosk's Whisper", () => {
  it("the server's VAD closes the segment, the kiosk's text of exactly that stretch is the committed turn", async () => {
    const visit = new Visit({ language: "nl" });
    const tts = new FakeTts(0);
    visit.voice = await tts.cloneVoice({ pcm: new Float32Array(16000), sampleRate: 16000, transcript: "x", language: "nl" });
    const llm = new FakeLlm();
    const userTexts: string[] = [];
    const asked: Request[] = [];
    const fallback = new FakeStt("server words");
    const bridge: BrowserSttBridge = new BrowserSttBridge({
      timeoutMs: 2_000,
      send: (m) => {
        if (m.type !== "stt-request") return;
        asked.push(m);
        setTimeout(() => bridge.handle({ type: "stt-transcript", requestId: m.requestId, text: "ik woon in utrecht", final: true }), 20);
      },
    });
    bridge.handle({ type: "stt-status", state: "ready", device: "webgpu", languages: ["en", "nl"] });
    const conv = new Conversation({
      stages: { vad: createEnergyVad({ hangoverMs: 160 }), stt: bridge.stt(fallback), llm, tts, lipsync: new FakeLipsync(), sinks: [new RecordingSink()] },
      plan: { maxConversationMs: 300_000, phaseFor: () => ({ id: "mirroring", farewell: false }), systemPrompt: () => "", extractFacts: () => [] },
      visit,
      clock: systemClock,
      random: seededRandom(1),
      onEvent: (ev) => {
        if (ev.type === "transcript" && ev.final) userTexts.push(ev.text);
      },
    });
    // the kiosk's stamps start at 90 000 (it streamed before this conversation): 0.5 s quiet, 0.8 s voiced, 1.5 s quiet
    let stamp = 90_000;
    const voiced = (i: number) => Math.round(9000 * Math.sin((2 * Math.PI * 180 * i) / 16000));
    const feed = async (samples: number, loud: boolean) => {
      for (let i = 0; i < samples; i += 320) {
        const f = new Int16Array(320);
        if (loud) for (let j = 0; j < 320; j++) f[j] = voiced(i + j);
        bridge.onMic(stamp, 320);
        conv.pushMic(f);
        stamp += 320;
        await new Promise((r) => setTimeout(r, 1));
      }
    };
    await feed(8000, false);
    await feed(12_800, true);
    await feed(24_000, false);
    conv.close();
    expect(asked).toHaveLength(1);
    const [req] = asked;
    // the segment: from the VAD's onset less its pre-roll (300 ms) to the onset of its 160 ms hangover's end
    expect(req!.language).toBe("nl");
    expect(req!.fromSample).toBeGreaterThanOrEqual(90_000 + 8000 - 300 * 16 - 640);
    expect(req!.fromSample).toBeLessThanOrEqual(90_000 + 8000);
    expect(req!.toSample).toBeGreaterThanOrEqual(90_000 + 8000 + 12_800);
    expect(req!.toSample).toBeLessThanOrEqual(90_000 + 8000 + 12_800 + 600 * 16);
    expect(userTexts).toEqual(["ik woon in utrecht"]);
    expect(fallback.samplesHeard).toBe(0);
  });
});
