import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIC_SAMPLE_RATE } from "@mirror/protocol";
import { int16ToFloat32 } from "../audio/pcm.js";
import { resampleSinc } from "../audio/resample.js";
import { createPocketSphinxStt } from "../stages/stt/pocketsphinx/index.js";
import { synthesizeSpeech } from "../testing/contracts/stt.contract.js";
import { scaleTo } from "../testing/contracts/vad.contract.js";
import { overTheDouble } from "../testing/double-in-room.js";
import { HELD_OUT_VOICES } from "../testing/held-out-voices.js";
import { micMs } from "../testing/recorded-voice.js";
import { DEFAULT_BACKCHANNELS } from "./barge-in-hold.js";

/**
 * The backchannel hold with the real embedded STT and synthesized speech on both sides (the bench,
 * bench/backchannel-bench.ts, runs 45 of these; this keeps one of each kind in the suite).
 */
describe("barge-in with PocketSphinx: a held-out backchannel resumes the double, a sentence interrupts it", () => {
  const stt = createPocketSphinxStt();
  let dir = "";
  let voice = new Float32Array(0) as Float32Array;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "mirror-bc-ps-"));
    voice = scaleTo(int16ToFloat32(await synthesizeSpeech("I am so glad you came. Tell me, what do you love most about the forest?", dir, "slt")), -30);
    await stt.warmup?.();
  }, 30_000);
  afterAll(async () => {
    await stt.close?.();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('"Yes." by a held-out voice (espeak-ng en-us+f4) pauses the double, then it resumes and plays in full', async () => {
    const v = HELD_OUT_VOICES.find((x) => x.label.includes("en-us+f4"))!.make("Yes.");
    const yes = scaleTo(resampleSinc(v.pcm, v.sampleRate, MIC_SAMPLE_RATE), -20);
    const r = await overTheDouble({ voice, visitor: yes, stt, backchannels: DEFAULT_BACKCHANNELS, visitorAtMs: 1500 });
    expect(r.player.controls.map((c) => c.type)).toEqual(["pause", "resume"]);
    expect(r.turn.interrupted).toBe(false);
    expect(r.player.pos).toBeGreaterThanOrEqual(r.player.echo.length);
    expect(r.turns).toBe(1);
  }, 30_000);

  it("a sentence (flite awb) goes silent within 300 ms of its onset and commits the interrupt", async () => {
    const sentence = scaleTo(int16ToFloat32(await synthesizeSpeech("No wait, that is not what I meant.", dir, "awb")), -22);
    const r = await overTheDouble({ voice, visitor: sentence, stt, backchannels: DEFAULT_BACKCHANNELS, visitorAtMs: 1500 });
    expect(r.player.controls.map((c) => c.type)).toEqual(["pause", "interrupt"]);
    expect(r.turn.interrupted).toBe(true);
    expect(r.silencedAt! - r.onset).toBeGreaterThan(0);
    expect(r.silencedAt! - r.onset).toBeLessThanOrEqual(micMs(300));
    console.log(`PocketSphinx: sentence silent ${Math.round(((r.silencedAt! - r.onset) * 1000) / MIC_SAMPLE_RATE)} ms after onset`);
  }, 30_000);
});
