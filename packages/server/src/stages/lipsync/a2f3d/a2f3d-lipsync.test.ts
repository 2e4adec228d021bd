import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BLENDSHAPE_INDEX as I, OUTPUT_SAMPLE_RATE as SR, type ServerMessage } from "@mirror/protocol";
import { systemClock, seededRandom } from "../../../core/clock.js";
import type { Lipsync } from "../../../core/contracts/lipsync.js";
import { runReply } from "../../../core/pipeline.js";
import { Turn } from "../../../core/turn.js";
import { BrowserSink } from "../../../sinks/browser/browser-sink.js";
import { FakeA2f3d } from "../../../testing/fakes/a2f-fakes.js";
import { collectFrames, lipsyncContract, pushTurn, speechLikeAudio } from "../../../testing/contracts/lipsync.contract.js";
import { FakeLlm, FakeTts } from "../../../testing/fakes/stages.js";
import { createA2f3dLipsync } from "./index.js";

const fake = new FakeA2f3d();
let lipsync: Lipsync;
beforeAll(async () => {
  await fake.start();
  lipsync = createA2f3dLipsync({ address: fake.address });
  await lipsync.warmup?.();
});
afterAll(async () => {
  await lipsync.close?.();
  await fake.close();
});

lipsyncContract("a2f3d (against the fake A2F-3D service)", () => createA2f3dLipsync({ address: fake.address }));

describe("Audio2Face-3D lip-sync", () => {
  it("sends the header first, then the whole turn as PCM16 at 16 kHz, then end of audio", async () => {
    const before = fake.calls.length;
    const { pcm } = speechLikeAudio(0.3, 1);
    const s = lipsync.open({ turnId: 1, sampleRate: SR, fps: 60, language: "nl", signal: new AbortController().signal });
    const done = collectFrames(s);
    pushTurn(s, pcm);
    s.push({ type: "end" });
    const frames = await done;
    // (calls of earlier, aborted turns may register late: pick this turn's by its end of audio)
    const call = fake.calls.slice(before).find((c) => c.endOfAudio)!;
    expect(call.error).toBeNull();
    expect(call.header?.audio_header.samples_per_second).toBe(16000);
    expect(call.header?.audio_header.bits_per_sample).toBe(16);
    expect(Math.abs(call.samples - (pcm.length * 16000) / SR)).toBeLessThanOrEqual(2);
    expect(call.endOfAudio).toBe(true);
    // A2F's 30 fps frames arrive on Mirror's 60 fps grid, the time codes mapped to output samples
    expect(frames.length).toBeGreaterThanOrEqual(Math.floor((pcm.length / SR) * 60) - 1);
    expect(frames.every((f, i) => f.sample === Math.round((i * SR) / 60))).toBe(true);
  });

  it("abort cancels the call", async () => {
    const before = fake.calls.length;
    const ac = new AbortController();
    const s = lipsync.open({ turnId: 2, sampleRate: SR, fps: 60, language: "en", signal: ac.signal });
    const done = collectFrames(s, 2000);
    pushTurn(s, speechLikeAudio(0.1, 1).pcm);
    await new Promise((r) => setTimeout(r, 30));
    ac.abort();
    await done;
    await new Promise((r) => setTimeout(r, 50));
    expect(fake.calls.slice(before).some((c) => c.cancelled && !c.endOfAudio)).toBe(true);
  });

  it("its frames reach the browser double through the pipeline", async () => {
    const sent: ServerMessage[] = [];
    const browser = new BrowserSink({ send: (m) => sent.push(m), sendBinary: () => undefined });
    const tts = new FakeTts(0);
    const voice = await tts.cloneVoice({ pcm: new Float32Array(16000), sampleRate: 16000, transcript: "x", language: "en" });
    const turn = new Turn(7, systemClock);
    const context = { language: "en" as const, phase: "mirroring", turnIndex: 1, elapsedMs: 0, remainingMs: 1000, facts: [], userText: "hi", random: seededRandom(1) };
    const result = await runReply(turn, { system: "", messages: [], context }, voice, { llm: new FakeLlm(), tts, lipsync, sinks: [browser] });
    expect(result.completed).toBe(true);
    expect(result.lipsyncError).toBeUndefined();
    const frames = sent.flatMap((m) => (m.type === "frames" ? m.frames : []));
    expect(frames.length).toBeGreaterThan(30);
    expect(Math.max(...frames.map((f) => f.w[I.jawOpen] ?? 0))).toBeGreaterThan(0.2);
    expect(frames.every((f) => f.w.length === 52)).toBe(true);
  });
});
