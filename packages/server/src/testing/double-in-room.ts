/**
 * A conversation whose double speaks a recorded voice into a room, and a visitor who speaks over it: the setup the
 * barge-in tests (echo guard, backchannels) and the backchannel bench share.
 */
import { MIC_FRAME_SAMPLES, MIC_SAMPLE_RATE, OUTPUT_SAMPLE_RATE } from "@mirror/protocol";
import { float32ToInt16, resample, rms, toDbfs } from "../audio/pcm.js";
import { seededRandom, systemClock } from "../core/clock.js";
import type { OutputEvent, Sink } from "../core/contracts/sink.js";
import type { Stt } from "../core/contracts/stt.js";
import { Conversation, type ConversationOptions } from "../core/conversation.js";
import type { TurnMark } from "../core/turn.js";
import { Visit } from "../core/visit.js";
import type { VisitObserver } from "../observers/observer.js";
import { createEnergyVad } from "../stages/vad/energy/index.js";
import { noise } from "./contracts/vad.contract.js";
import { room } from "./echo-room.js";
import { FakeLipsync, FakeLlm, RecordingSink } from "./fakes/stages.js";
import { micMs, mirroringPlan, RecordedVoiceTts } from "./recorded-voice.js";

export interface GreetingOptions {
  /** the double's voice (16 kHz), spoken as its greeting */
  voice: Float32Array;
  stt: Stt;
  /** sinks besides the recording one */
  sinks?: readonly Sink[];
  backchannels?: ConversationOptions["backchannels"];
  playbackGraceMs?: number;
  onMark?: (mark: TurnMark, fedSamples: number) => void;
  /** sees the turn as the visit session's observers do (metrics, console) */
  observer?: Pick<VisitObserver, "onTurnDone" | "onMark">;
}

/** The double's greeting generated in full (the mic hears room noise meanwhile), ready to be played into the room. */
export async function greetingReady(o: GreetingOptions) {
  const visit = new Visit({ language: "en" });
  const tts = new RecordedVoiceTts(o.voice);
  visit.voice = await tts.cloneVoice({ pcm: new Float32Array(16000), sampleRate: 16000, transcript: "x", language: "en" });
  const sink = new RecordingSink();
  let fed = 0;
  let lastPushAt = 0;
  const conv = new Conversation({
    stages: { vad: createEnergyVad({ hangoverMs: 160 }), stt: o.stt, llm: new FakeLlm(["Hello."], 0), tts, lipsync: new FakeLipsync(), sinks: [sink, ...(o.sinks ?? [])] },
    plan: mirroringPlan,
    visit,
    clock: systemClock,
    random: seededRandom(2),
    onEvent: (ev) => {
      if (ev.type === "turn-done") o.observer?.onTurnDone?.(visit, ev.turn, ev.result);
    },
    onMark: (turn, mark, at) => {
      o.onMark?.(mark, fed);
      o.observer?.onMark?.(visit, turn, mark, at);
    },
    ...(o.backchannels ? { backchannels: o.backchannels } : {}),
    ...(o.playbackGraceMs !== undefined ? { playbackGraceMs: o.playbackGraceMs } : {}),
  });
  const push = (frame: Int16Array) => {
    lastPushAt = systemClock.now();
    conv.pushMic(frame);
    fed += frame.length;
  };
  const room0 = float32ToInt16(noise(micMs(20), -55, 11));
  for (let i = 0; i < 25; i++) push(room0);
  const greeting = conv.greet();
  while (sink.of("turn-end").length === 0) {
    push(room0);
    await new Promise((r) => setTimeout(r, 2));
  }
  const played = resample(Float32Array.from(sink.of("audio").flatMap((a) => [...a.pcm])), OUTPUT_SAMPLE_RATE, MIC_SAMPLE_RATE);
  return { visit, conv, sink, greeting, played, push, fed: () => fed, lastPushAt: () => lastPushAt };
}

/** The mic sample where `visitor` becomes audible (its first 20 ms frame above -45 dBFS), from its own start. */
export function firstVoicedSample(visitor: Float32Array): number {
  for (let f = 0; (f + 1) * MIC_FRAME_SAMPLES <= visitor.length; f++) {
    if (toDbfs(rms(visitor, f * MIC_FRAME_SAMPLES, (f + 1) * MIC_FRAME_SAMPLES)) > -45) return f * MIC_FRAME_SAMPLES;
  }
  throw new Error("the visitor's audio is silent");
}

/** how long the kiosk takes to act on a control message (network + one render quantum), in mic frames */
const PLAYER_LAG_FRAMES = 3;

/** A kiosk in a room: plays the reply into the mic through the room, following pause / resume / interrupt like the worklet. */
export class RoomPlayer implements Sink {
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

export interface OverTheDoubleOptions {
  voice: Float32Array;
  visitor: Float32Array;
  stt: Stt;
  backchannels: ConversationOptions["backchannels"];
  /** when the visitor starts, ms after the double does */
  visitorAtMs: number;
  onMark?: GreetingOptions["onMark"];
  observer?: GreetingOptions["observer"];
  playbackGraceMs?: number;
}

/**
 * The double's reply played through a room (60 ms, 0.9) by a player that follows pause / resume / interrupt, the
 * visitor speaking over it, in real time (the STT's final and the decision take wall time, measured against the
 * mic's audio clock), until the reply has played out or was cut, then half a second of room.
 */
export async function overTheDouble(o: OverTheDoubleOptions) {
  const player = new RoomPlayer();
  let silencedAt: number | null = null;
  let committedAt: number | null = null;
  const g = await greetingReady({
    voice: o.voice,
    stt: o.stt,
    sinks: [player],
    backchannels: o.backchannels,
    ...(o.observer ? { observer: o.observer } : {}),
    ...(o.playbackGraceMs !== undefined ? { playbackGraceMs: o.playbackGraceMs } : {}),
    onMark: (mark, fed) => {
      if (mark === "bargeInStop") silencedAt = fed;
      if (mark === "bargeInCommit") committedAt = fed;
      o.onMark?.(mark, fed);
    },
  });
  player.echo = room(g.played, 60, 0.9);
  player.playing = true;
  g.conv.onPlayback(0, "started", g.lastPushAt());
  const visitorStart = g.fed() + micMs(o.visitorAtMs);
  const onset = visitorStart + firstVoicedSample(o.visitor);
  const bed = noise(MIC_FRAME_SAMPLES * 4000, -55, 13);
  const t0 = systemClock.now();
  // the mic samples fed when the conversation last counted the double as audible, and when the player ran out
  let audibleUntil = 0;
  let playerDoneAt: number | null = null;
  for (let tail = micMs(500), k = 0; tail > 0; k++) {
    const frame = player.next();
    const fed = g.fed();
    for (let j = 0; j < frame.length; j++) {
      const v = fed + j - visitorStart;
      frame[j] = frame[j]! + (bed[(k * MIC_FRAME_SAMPLES + j) % bed.length] ?? 0) + (v >= 0 && v < o.visitor.length ? o.visitor[v]! : 0);
    }
    g.push(float32ToInt16(frame));
    if (g.conv.doubleAudible()) audibleUntil = g.fed();
    if (playerDoneAt === null && player.pos >= player.echo.length) playerDoneAt = g.fed();
    if ((player.pos >= player.echo.length || player.cut) && g.fed() > visitorStart + o.visitor.length) tail -= MIC_FRAME_SAMPLES;
    const due = t0 + (k + 1) * 20 - systemClock.now();
    if (due > 0) await new Promise((r) => setTimeout(r, due));
    if (k > 3000) throw new Error("the reply never finished");
  }
  g.conv.onPlayback(0, "ended", systemClock.now());
  await g.greeting;
  g.conv.close();
  return { turn: g.visit.turns[0]!, turns: g.visit.turns.length, visit: g.visit, player, sink: g.sink, silencedAt, committedAt, onset, audibleUntil, playerDoneAt };
}
