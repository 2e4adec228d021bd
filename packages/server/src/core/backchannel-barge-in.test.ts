import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIC_FRAME_SAMPLES, MIC_SAMPLE_RATE, OUTPUT_SAMPLE_RATE } from "@mirror/protocol";
import { float32ToInt16, int16ToFloat32, resample, rms, toDbfs } from "../audio/pcm.js";
import { createEnergyVad } from "../stages/vad/energy/index.js";
import { synthesizeSpeech } from "../testing/contracts/stt.contract.js";
import { noise, scaleTo } from "../testing/contracts/vad.contract.js";
import { room } from "../testing/echo-room.js";
import { FakeLipsync, FakeLlm, FakeStt, RecordingSink } from "../testing/fakes/stages.js";
import { seededRandom, systemClock } from "./clock.js";
import type { OutputEvent, Sink } from "./contracts/sink.js";
import { Conversation } from "./conversation.js";
import { micMs as ms, mirroringPlan as plan, RecordedVoiceTts } from "../testing/recorded-voice.js";
import { Visit } from "./visit.js";

const WORDS = { en: ["mm", "hm", "yes", "yeah", "uh-huh", "okay", "right"] };
/** how long the kiosk takes to act on a control message (network + one render quantum), in mic frames */
const PLAYER_LAG_FRAMES = 3;


/** A kiosk in a room: plays the reply into the mic through the room, following pause / resume / interrupt like the worklet. */
class RoomPlayer implements Sink {
  readonly info = { id: "sink/room-player", stage: "sink" as const, languages: "any" as const, local: true };
  echo: Float32Array = new Float32Array(0);
  pos = 0;
  playing = false;
  cut = false;
  readonly controls: Array<{ type: string; frame: number }> = [];
  private pending: Array<{ type: string; due: number }> = [];
  frame = 0;
  write(ev: OutputEvent): void {
    if (ev.type === "pause" || ev.type === "resume" || ev.type === "interrupt") {
      this.controls.push({ type: ev.type, frame: this.frame });
      this.pending.push({ type: ev.type, due: this.frame + PLAYER_LAG_FRAMES });
    }
  }
  /** the echo the mic hears in the next frame */
  next(): Float32Array {
    for (const p of this.pending.filter((x) => x.due <= this.frame)) {
      if (p.type === "pause") this.playing = false;
      else if (p.type === "resume" && !this.cut) this.playing = true;
      else if (p.type === "interrupt") {
        this.cut = true;
        this.playing = false;
      }
    }
    this.pending = this.pending.filter((x) => x.due > this.frame);
    this.frame++;
    const out = new Float32Array(MIC_FRAME_SAMPLES);
    if (!this.playing || this.pos >= this.echo.length) return out;
    out.set(this.echo.subarray(this.pos, this.pos + MIC_FRAME_SAMPLES));
    this.pos += MIC_FRAME_SAMPLES;
    return out;
  }
}

async function overTheDouble(voice: Float32Array, visitor: Float32Array, heardAs: string, visitorAtMs: number) {
  const visit = new Visit({ language: "en" });
  const tts = new RecordedVoiceTts(voice);
  visit.voice = await tts.cloneVoice({ pcm: new Float32Array(16000), sampleRate: 16000, transcript: "x", language: "en" });
  const sink = new RecordingSink();
  const player = new RoomPlayer();
  let fed = 0;
  let silencedAt: number | null = null;
  const conv = new Conversation({
    stages: { vad: createEnergyVad({ hangoverMs: 160 }), stt: new FakeStt(heardAs), llm: new FakeLlm(["Hello."], 0), tts, lipsync: new FakeLipsync(), sinks: [sink, player] },
    plan,
    visit,
    clock: systemClock,
    random: seededRandom(2),
    onEvent: () => undefined,
    onMark: (_turn, mark) => {
      if (mark === "bargeInStop") silencedAt = fed;
    },
    backchannels: { words: WORDS },
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
  const played = resample(Float32Array.from(sink.of("audio").flatMap((a) => [...a.pcm])), OUTPUT_SAMPLE_RATE, MIC_SAMPLE_RATE);
  player.echo = room(played, 60, 0.9);
  player.playing = true;
  conv.onPlayback(0, "started", lastPushAt);
  const visitorStart = fed + ms(visitorAtMs);
  const first = [...Array(Math.floor(visitor.length / MIC_FRAME_SAMPLES)).keys()].find((f) => toDbfs(rms(visitor, f * MIC_FRAME_SAMPLES, (f + 1) * MIC_FRAME_SAMPLES)) > -45)!;
  const onset = visitorStart + first * MIC_FRAME_SAMPLES;
  const bed = noise(MIC_FRAME_SAMPLES * 4000, -55, 13);
  let k = 0;
  const t0 = systemClock.now();
  // until the reply has played out (or was cut), then half a second of room
  for (let tail = ms(500); tail > 0; k++) {
    const frame = player.next();
    for (let j = 0; j < frame.length; j++) {
      const v = fed + j - visitorStart;
      frame[j] = frame[j]! + (bed[(k * MIC_FRAME_SAMPLES + j) % bed.length] ?? 0) + (v >= 0 && v < visitor.length ? visitor[v]! : 0);
    }
    push(float32ToInt16(frame));
    if ((player.pos >= player.echo.length || player.cut) && fed > visitorStart + visitor.length) tail -= MIC_FRAME_SAMPLES;
    // in real time: the STT's final and the decision take wall time, measured against the mic's audio clock
    const due = t0 + (k + 1) * 20 - systemClock.now();
    if (due > 0) await new Promise((r) => setTimeout(r, due));
    if (k > 3000) throw new Error("the reply never finished");
  }
  conv.onPlayback(0, "ended", systemClock.now());
  await greeting;
  conv.close();
  return { turn: visit.turns[0]!, turns: visit.turns.length, player, sink, silencedAt, onset };
}

describe("barge-in pauses, then decides (backchannels)", () => {
  let dir = "";
  let voice = new Float32Array(0) as Float32Array;
  let yes = new Float32Array(0) as Float32Array;
  let sentence = new Float32Array(0) as Float32Array;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "mirror-backchannel-"));
    voice = scaleTo(int16ToFloat32(await synthesizeSpeech("I am so glad you came. Tell me, what do you love most about the forest in the morning?", dir, "slt")), -30);
    yes = scaleTo(int16ToFloat32(await synthesizeSpeech("yes.", dir, "awb")), -20);
    sentence = scaleTo(int16ToFloat32(await synthesizeSpeech("No wait, that is not what I meant.", dir, "awb")), -22);
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
    const [pause, commit] = r.player.controls;
    console.log(`sentence: silent ${Math.round(((r.silencedAt! - r.onset) * 1000) / MIC_SAMPLE_RATE)} ms after onset; committed ${(commit!.frame - pause!.frame) * 20} ms after the pause`);
  }, 60_000);
});
