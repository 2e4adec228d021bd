import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIC_FRAME_SAMPLES } from "@mirror/protocol";
import { float32ToInt16, int16ToFloat32 } from "../audio/pcm.js";
import { synthesizeSpeech } from "../testing/contracts/stt.contract.js";
import { mixAt, noise, scaleTo } from "../testing/contracts/vad.contract.js";
import { firstVoicedSample, greetingReady } from "../testing/double-in-room.js";
import { room } from "../testing/echo-room.js";
import { FakeStt } from "../testing/fakes/stages.js";
import { micMs as ms } from "../testing/recorded-voice.js";
import { DEFAULT_BACKCHANNELS, type BackchannelOptions } from "./barge-in-hold.js";
import { systemClock } from "./clock.js";

/** the two barge-in modes: pause, then decide (the default) and interrupt at once */
const MODES = [
  { name: "pause, then decide", backchannels: DEFAULT_BACKCHANNELS },
  { name: "interrupt at once", backchannels: false as const },
];

async function visitWithEcho(voice: Float32Array, delayMs: number, gain: number, visitor: Float32Array | null, visitorAtMs: number, backchannels: BackchannelOptions | false) {
  let interruptedAt: number | null = null;
  const g = await greetingReady({
    voice,
    stt: new FakeStt("hello mirror"),
    backchannels,
    onMark: (mark, fed) => {
      if (mark === "bargeInStop") interruptedAt = fed;
    },
  });
  // what the kiosk plays, at the mic's rate, through the room, over the room's noise; the player reports "started"
  const echo = room(g.played, delayMs, gain);
  let mic = mixAt(noise(echo.length + ms(500), -55, 13), echo, 0);
  let onset: number | null = null;
  if (visitor) {
    mic = mixAt(mic, visitor, ms(visitorAtMs));
    onset = g.fed() + ms(visitorAtMs) + firstVoicedSample(visitor);
  }
  // the player started right after the last frame the mic sent (the test pauses the mic while it builds the echo)
  g.conv.onPlayback(0, "started", g.lastPushAt());
  const pcm = float32ToInt16(mic);
  for (let i = 0; i < pcm.length; i += MIC_FRAME_SAMPLES) {
    g.push(pcm.subarray(i, i + MIC_FRAME_SAMPLES));
    if ((i / MIC_FRAME_SAMPLES) % 5 === 0) await new Promise((r) => setTimeout(r, 1));
  }
  g.conv.onPlayback(0, "ended", systemClock.now());
  await g.greeting;
  g.conv.close();
  return { turn: g.visit.turns[0]!, turns: g.visit.turns.length, interruptedAt, onset, paused: g.sink.of("pause").length };
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

  it.each(MODES)("its own voice, delayed and coloured by the room, never interrupts (nor pauses) the double: $name", async ({ backchannels }) => {
    for (const [delay, gain] of [
      [30, 0.8],
      [180, 1.0],
    ] as const) {
      const r = await visitWithEcho(voice, delay, gain, null, 0, backchannels);
      expect(r.turn.interrupted, `delay ${delay} ms, gain ${gain}`).toBe(false);
      expect(r.paused, `delay ${delay} ms, gain ${gain}`).toBe(0);
      expect(r.turns).toBe(1);
    }
  }, 60_000);

  it.each(MODES)("the visitor speaking over it silences it within 300 ms of their onset and interrupts it: $name", async ({ backchannels }) => {
    const r = await visitWithEcho(voice, 60, 0.9, visitor, 1500, backchannels);
    expect(r.turn.interrupted).toBe(true);
    expect(r.interruptedAt! - r.onset!).toBeGreaterThan(0);
    expect(r.interruptedAt! - r.onset!).toBeLessThanOrEqual(ms(300));
  }, 60_000);
});
