import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIC_FRAME_SAMPLES, MIC_SAMPLE_RATE, OUTPUT_SAMPLE_RATE } from "@mirror/protocol";
import { float32ToInt16, int16ToFloat32, resample, rms, toDbfs } from "../audio/pcm.js";
import { createEnergyVad } from "../stages/vad/energy/index.js";
import { synthesizeSpeech } from "../testing/contracts/stt.contract.js";
import { mixAt, noise, scaleTo } from "../testing/contracts/vad.contract.js";
import { FakeLipsync, FakeLlm, FakeStt, RecordingSink } from "../testing/fakes/stages.js";
import { seededRandom, systemClock } from "./clock.js";
import { Conversation } from "./conversation.js";
import { micMs as ms, mirroringPlan as plan, RecordedVoiceTts } from "../testing/recorded-voice.js";
import { room } from "../testing/echo-room.js";
import { Visit } from "./visit.js";



async function visitWithEcho(voice: Float32Array, delayMs: number, gain: number, visitor: Float32Array | null, visitorAtMs: number) {
  const visit = new Visit({ language: "en" });
  const tts = new RecordedVoiceTts(voice);
  visit.voice = await tts.cloneVoice({ pcm: new Float32Array(16000), sampleRate: 16000, transcript: "x", language: "en" });
  const sink = new RecordingSink();
  let fed = 0;
  let interruptedAt: number | null = null;
  const conv = new Conversation({
    stages: { vad: createEnergyVad({ hangoverMs: 160 }), stt: new FakeStt("hello mirror"), llm: new FakeLlm(["Hello."], 0), tts, lipsync: new FakeLipsync(), sinks: [sink] },
    plan,
    visit,
    clock: systemClock,
    random: seededRandom(2),
    onEvent: () => undefined,
    onMark: (_turn, mark) => {
      if (mark === "bargeInStop") interruptedAt = fed;
    },
  });
  const room0 = float32ToInt16(noise(ms(20), -55, 11));
  let lastPushAt = 0;
  const push = (frame: Int16Array) => {
    lastPushAt = systemClock.now();
    conv.pushMic(frame);
    fed += frame.length;
  };
  for (let i = 0; i < 25; i++) push(room0);
  const greeting = conv.greet();
  while (sink.of("turn-end").length === 0) {
    push(room0);
    await new Promise((r) => setTimeout(r, 2));
  }
  // what the kiosk plays, at the mic's rate, through the room, over the room's noise; the player reports "started"
  const played = resample(Float32Array.from(sink.of("audio").flatMap((a) => [...a.pcm])), OUTPUT_SAMPLE_RATE, MIC_SAMPLE_RATE);
  const echo = room(played, delayMs, gain);
  let mic = mixAt(noise(echo.length + ms(500), -55, 13), echo, 0);
  let onset: number | null = null;
  if (visitor) {
    mic = mixAt(mic, visitor, ms(visitorAtMs));
    const first = [...Array(Math.floor(visitor.length / MIC_FRAME_SAMPLES)).keys()].find((f) => toDbfs(rms(visitor, f * MIC_FRAME_SAMPLES, (f + 1) * MIC_FRAME_SAMPLES)) > -45)!;
    onset = fed + ms(visitorAtMs) + first * MIC_FRAME_SAMPLES;
  }
  // the player started right after the last frame the mic sent (the test pauses the mic while it builds the echo)
  conv.onPlayback(0, "started", lastPushAt);
  const pcm = float32ToInt16(mic);
  for (let i = 0; i < pcm.length; i += MIC_FRAME_SAMPLES) {
    push(pcm.subarray(i, i + MIC_FRAME_SAMPLES));
    if ((i / MIC_FRAME_SAMPLES) % 5 === 0) await new Promise((r) => setTimeout(r, 1));
  }
  conv.onPlayback(0, "ended", systemClock.now());
  await greeting;
  conv.close();
  return { turn: visit.turns[0]!, turns: visit.turns.length, interruptedAt, onset };
}

describe("barge-in through the echo guard (the double's voice played into the mic)", () => {
  let dir = "";
  let voice = new Float32Array(0) as Float32Array;
  let visitor = new Float32Array(0) as Float32Array;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "mirror-echo-conv-"));
    voice = scaleTo(int16ToFloat32(await synthesizeSpeech("I am so glad you came. Tell me, what do you love most about the forest in the morning?", dir, "slt")), -30);
    visitor = scaleTo(int16ToFloat32(await synthesizeSpeech("No wait, that is not what I meant.", dir, "awb")), -22);
  }, 30_000);
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("its own voice, delayed and coloured by the room, never interrupts the double", async () => {
    for (const [delay, gain] of [
      [30, 0.8],
      [180, 1.0],
    ] as const) {
      const r = await visitWithEcho(voice, delay, gain, null, 0);
      expect(r.turn.interrupted, `delay ${delay} ms, gain ${gain}`).toBe(false);
      expect(r.turns).toBe(1);
    }
  }, 60_000);

  it("the visitor speaking over it interrupts within 300 ms of their onset", async () => {
    const r = await visitWithEcho(voice, 60, 0.9, visitor, 1500);
    expect(r.turn.interrupted).toBe(true);
    expect(r.interruptedAt! - r.onset!).toBeGreaterThan(0);
    expect(r.interruptedAt! - r.onset!).toBeLessThanOrEqual(ms(300));
  }, 60_000);
});
