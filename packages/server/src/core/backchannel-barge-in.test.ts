import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIC_SAMPLE_RATE } from "@mirror/protocol";
import { int16ToFloat32 } from "../audio/pcm.js";
import { MetricsObserver } from "../observers/metrics.js";
import { synthesizeSpeech } from "../testing/contracts/stt.contract.js";
import { scaleTo } from "../testing/contracts/vad.contract.js";
import { overTheDouble as overTheRoom } from "../testing/double-in-room.js";
import { FakeStt } from "../testing/fakes/stages.js";
import { micMs as ms } from "../testing/recorded-voice.js";

const WORDS = { en: ["mm", "hm", "yes", "yeah", "uh-huh", "okay", "right"] };

async function overTheDouble(voice: Float32Array, visitor: Float32Array, heardAs: string, visitorAtMs: number, finalDelayMs = 5, playbackGraceMs?: number) {
  // the console's record of the turn, fed as the visit session feeds it (turn-done comes before the decision)
  const metrics = new MetricsObserver();
  const r = await overTheRoom({ voice, visitor, stt: new FakeStt(heardAs, finalDelayMs), backchannels: { words: WORDS }, visitorAtMs, observer: metrics, ...(playbackGraceMs !== undefined ? { playbackGraceMs } : {}) });
  return { ...r, recorded: metrics.turns.find((t) => t.turnId === r.turn.id) };
}

describe("barge-in pauses, then decides (backchannels)", () => {
  let dir = "";
  let voice = new Float32Array(0) as Float32Array;
  let yes = new Float32Array(0) as Float32Array;
  let sentence = new Float32Array(0) as Float32Array;
  let buzz = new Float32Array(0) as Float32Array;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "mirror-backchannel-"));
    voice = scaleTo(int16ToFloat32(await synthesizeSpeech("I am so glad you came. Tell me, what do you love most about the forest in the morning?", dir, "slt")), -30);
    yes = scaleTo(int16ToFloat32(await synthesizeSpeech("yes.", dir, "awb")), -20);
    sentence = scaleTo(int16ToFloat32(await synthesizeSpeech("No wait, that is not what I meant.", dir, "awb")), -22);
    // 1.6 s of voice with no pause in it (a buzz at 140 Hz with its harmonics)
    buzz = scaleTo(Float32Array.from({ length: ms(1600) }, (_, i) => ((i * 140) / MIC_SAMPLE_RATE) % 1 - 0.5), -22);
  }, 30_000);
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('a "yes" over the double pauses it, then it resumes and plays the rest in full; nothing is aborted', async () => {
    const r = await overTheDouble(voice, yes, "yes", 1500);
    expect(r.player.controls.map((c) => c.type)).toEqual(["pause", "resume"]);
    expect(r.silencedAt! - r.onset).toBeLessThanOrEqual(ms(300));
    expect(r.turn.interrupted).toBe(false);
    expect(r.turn.signal.aborted).toBe(false);
    expect(r.sink.of("interrupt")).toHaveLength(0);
    expect(r.player.pos).toBeGreaterThanOrEqual(r.player.echo.length);
    expect(r.turns).toBe(1); // the backchannel did not become a turn
    expect(r.recorded?.interrupted).toBe(false);
    expect(r.committedAt).toBeNull();
    const [pause, resume] = r.player.controls;
    console.log(`backchannel: silent ${Math.round(((r.silencedAt! - r.onset) * 1000) / MIC_SAMPLE_RATE)} ms after onset; paused for ${(resume!.frame - pause!.frame) * 20} ms`);
  }, 60_000);

  it("a sentence over the double goes silent within 300 ms of its onset, then commits the interrupt", async () => {
    const r = await overTheDouble(voice, sentence, "no wait that is not what i meant", 1500);
    expect(r.player.controls.map((c) => c.type)).toEqual(["pause", "interrupt"]);
    expect(r.silencedAt! - r.onset).toBeGreaterThan(0);
    expect(r.silencedAt! - r.onset).toBeLessThanOrEqual(ms(300));
    expect(r.turn.interrupted).toBe(true);
    expect(r.turn.signal.aborted).toBe(true);
    expect(r.player.pos).toBeLessThan(r.player.echo.length);
    // the turn was done generating before the decision: the console's record must still learn it was cut
    expect(r.recorded?.interrupted).toBe(true);
    expect(r.committedAt).not.toBeNull();
    const [pause, commit] = r.player.controls;
    console.log(`sentence: silent ${Math.round(((r.silencedAt! - r.onset) * 1000) / MIC_SAMPLE_RATE)} ms after onset; committed ${(commit!.frame - pause!.frame) * 20} ms after the pause`);
  }, 60_000);

  it("speech going on past maxSpeechMs commits at once, without waiting for the STT", async () => {
    const r = await overTheDouble(voice, buzz, "yes", 1500, 5000);
    expect(r.player.controls.map((c) => c.type)).toEqual(["pause", "interrupt"]);
    expect(r.turn.interrupted).toBe(true);
    const [pause, commit] = r.player.controls;
    // maxSpeechMs 800 + the 300 ms margin for a stretch still open, from the onset; the pause came ≥ 100 ms after it
    expect((commit!.frame - pause!.frame) * 20).toBeLessThanOrEqual(1100);
    console.log(`long stretch: committed ${(commit!.frame - pause!.frame) * 20} ms after the pause`);
  }, 60_000);

  it("a long pause (a slow final) does not end the reply early: the double counts as audible until it has played out", async () => {
    // grace 300 ms, pause ~1.5 s: a player that never reports "ended" is timed from the shifted end, not the old one
    const r = await overTheDouble(voice, yes, "yes", 1500, 900, 300);
    expect(r.player.controls.map((c) => c.type)).toEqual(["pause", "resume"]);
    const [pause, resume] = r.player.controls;
    expect((resume!.frame - pause!.frame) * 20).toBeGreaterThan(1000);
    expect(r.playerDoneAt).not.toBeNull();
    expect(r.audibleUntil).toBeGreaterThanOrEqual(r.playerDoneAt!);
  }, 60_000);
});
