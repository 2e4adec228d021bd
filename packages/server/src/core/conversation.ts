import type { Language } from "@mirror/protocol";
import { MIC_SAMPLE_RATE, OUTPUT_SAMPLE_RATE } from "@mirror/protocol";
import type { Clock, Random } from "./clock.js";
import type { Lipsync } from "./contracts/lipsync.js";
import type { Llm } from "./contracts/llm.js";
import type { Sink } from "./contracts/sink.js";
import type { Stt, SttStream } from "./contracts/stt.js";
import type { Tts } from "./contracts/tts.js";
import type { Vad, VadOptions, VadSession } from "./contracts/vad.js";
import { isAbort } from "./errors.js";
import { runReply, type ReplyResult } from "./pipeline.js";
import { Turn, type TurnListener } from "./turn.js";
import type { Visit } from "./visit.js";

/** The experience's script, as the conversation needs it (see script/). */
export interface DialoguePlan {
  phaseFor(elapsedMs: number, turnIndex: number): { id: string; farewell: boolean };
  systemPrompt(phaseId: string, language: Language, facts: readonly string[]): string;
  extractFacts(text: string, language: Language): string[];
  readonly maxConversationMs: number;
}

export interface ConversationStages {
  vad: Vad;
  stt: Stt;
  llm: Llm;
  tts: Tts;
  lipsync: Lipsync;
  sinks: readonly Sink[];
}

export type ConversationEvent =
  | { type: "transcript"; turnId: number; text: string; final: boolean }
  | { type: "listening" }
  | { type: "turn-done"; turn: Turn; result: ReplyResult; farewell: boolean }
  | { type: "farewell-done" }
  | { type: "error"; code: string; message: string };

export interface ConversationOptions {
  stages: ConversationStages;
  plan: DialoguePlan;
  visit: Visit;
  clock: Clock;
  random: Random;
  onEvent: (ev: ConversationEvent) => void;
  onMark?: TurnListener;
  vad?: VadOptions;
  /** audio kept from before the VAD's onset so STT hears the first syllable */
  preRollMs?: number;
  /** how long after a reply's last sample the double still counts as audible when the player never says "ended" */
  playbackGraceMs?: number;
}

interface ActiveReply {
  turn: Turn;
  farewell: boolean;
  done: Promise<void>;
  playbackStartedAt: number | null;
  totalSamples: number | null;
  ended: boolean;
}

/**
 * Turn-taking for one visit: mic frames → VAD → STT → a reply turn; visitor speech while the double talks
 * aborts the reply (barge-in) through the turn's AbortController and an interrupt that overtakes queued data.
 */
export class Conversation {
  private readonly vad: VadSession;
  private stt: SttStream | null = null;
  /** aborts the utterance being transcribed (visit ends mid-sentence): the STT provider frees its decoder */
  private sttAbort: AbortController | null = null;
  private utteranceId = 0;
  private turnCounter = 0;
  private active: ActiveReply | null = null;
  /** words of an utterance whose reply was cut before it was heard: said again with the next one */
  private carryText = "";
  private readonly preRoll: Int16Array[] = [];
  /** arrival time of recent mic frames, by the sample they end at: maps VAD sample positions to clock time */
  private readonly arrivals: Array<{ end: number; at: number }> = [];
  private closed = false;

  constructor(private readonly o: ConversationOptions) {
    this.vad = o.stages.vad.open(o.vad);
  }

  /** The double speaks first (turn 0): the greeting in the visitor's own voice. */
  greet(): Promise<void> {
    return this.startReply("", null);
  }

  pushMic(frame: Int16Array): void {
    if (this.closed) return;
    const at = this.o.clock.now();
    const events = this.vad.push(frame, { doubleSpeaking: this.doubleAudible() });
    this.arrivals.push({ end: this.vad.position, at });
    if (this.arrivals.length > 400) this.arrivals.splice(0, 100);
    this.preRoll.push(frame);
    const keep = Math.ceil(((this.o.preRollMs ?? 300) * MIC_SAMPLE_RATE) / 1000 / Math.max(1, frame.length));
    while (this.preRoll.length > keep) this.preRoll.shift();
    this.stt?.push(frame);
    for (const ev of events) {
      if (ev.type === "speech-start") this.onSpeechStart(ev.sample);
      else this.onSpeechEnd(ev.sample);
    }
  }

  /** What the player reports (browser or the demo's simulated player). */
  onPlayback(turnId: number, event: "started" | "ended" | "stopped" | "first-lip-motion", at: number): void {
    const a = this.active;
    const turn = a?.turn.id === turnId ? a.turn : this.o.visit.turns.find((t) => t.id === turnId);
    if (!turn) return;
    if (event === "started") {
      turn.mark("playbackStart", at);
      if (a && a.turn === turn) a.playbackStartedAt = at;
    } else if (event === "first-lip-motion") turn.mark("firstLipMotion", at);
    else if (a && a.turn === turn) {
      a.ended = true;
      this.finishIfDone();
    }
  }

  /** The double is (or is about to be) heard: the echo guard and barge-in use this. */
  doubleAudible(): boolean {
    const a = this.active;
    if (!a || a.ended) return false;
    if (a.totalSamples !== null && a.playbackStartedAt !== null) {
      const endsAt = a.playbackStartedAt + samplesToMs(a.totalSamples) + (this.o.playbackGraceMs ?? 1500);
      if (this.o.clock.now() > endsAt) return false;
    }
    return true;
  }

  get replying(): boolean {
    return this.active !== null;
  }

  /** Stops everything (visit ends). */
  close(): void {
    this.closed = true;
    this.active?.turn.abort("conversation closed");
    this.sttAbort?.abort();
    this.sttAbort = null;
    this.stt = null;
  }

  private timeOfSample(sample: number): number {
    for (const a of this.arrivals) if (a.end >= sample) return a.at;
    return this.o.clock.now();
  }

  private onSpeechStart(sample: number): void {
    const onset = this.timeOfSample(sample);
    const a = this.active;
    if (a) this.interrupt(a, onset);
    const id = ++this.utteranceId;
    this.sttAbort?.abort();
    this.sttAbort = new AbortController();
    const stream = this.o.stages.stt.open({ language: this.o.visit.language, signal: this.sttAbort.signal });
    this.stt = stream;
    for (const f of this.preRoll) stream.push(f);
    void this.readPartials(id, stream);
  }

  private interrupt(a: ActiveReply, onset: number): void {
    const heard = a.playbackStartedAt !== null;
    a.turn.interrupted = true;
    a.turn.mark("bargeInStart", onset);
    a.turn.abort("barge-in");
    for (const s of this.o.stages.sinks) s.write({ type: "interrupt", turnId: a.turn.id });
    a.turn.mark("bargeInStop");
    if (!heard) this.carryText = [this.carryText, a.turn.userText].filter(Boolean).join(" ");
    a.ended = true;
  }

  private async readPartials(id: number, stream: SttStream): Promise<void> {
    try {
      for await (const ev of stream.events) {
        if (id !== this.utteranceId || this.closed) return;
        if (ev.type === "partial") this.o.onEvent({ type: "transcript", turnId: this.turnCounter + 1, text: ev.text, final: false });
        else this.pendingFinal?.(ev.text);
      }
    } catch (err) {
      if (!isAbort(err)) this.o.onEvent({ type: "error", code: "stt-failed", message: String((err as Error).message ?? err) });
      this.pendingFinal?.("");
    }
  }

  private pendingFinal: ((text: string) => void) | null = null;

  private onSpeechEnd(sample: number): void {
    const stream = this.stt;
    if (!stream) return;
    const speechEnd = this.timeOfSample(sample);
    const id = this.utteranceId;
    this.stt = null;
    this.sttAbort = null; // an ended stream finishes on its own and frees its decoder
    const final = new Promise<string>((resolve) => (this.pendingFinal = resolve));
    stream.end();
    void final.then((text) => {
      this.pendingFinal = null;
      if (id !== this.utteranceId || this.closed) return;
      const sttFinal = this.o.clock.now();
      const words = [this.carryText, text.trim()].filter(Boolean).join(" ");
      if (!text.trim()) {
        if (!this.active) this.o.onEvent({ type: "listening" });
        return;
      }
      this.carryText = "";
      void this.startReply(words, { speechEnd, sttFinal });
    });
  }

  private async startReply(userText: string, marks: { speechEnd: number; sttFinal: number } | null): Promise<void> {
    const { visit, plan, clock } = this.o;
    const turn = new Turn(this.turnCounter++, clock, this.o.onMark);
    if (marks) {
      turn.mark("speechEnd", marks.speechEnd);
      turn.mark("sttFinal", marks.sttFinal);
    }
    turn.mark("endOfTurn");
    turn.userText = userText;
    visit.turns.push(turn);
    if (userText) {
      visit.vault.putText("transcript", userText);
      this.o.onEvent({ type: "transcript", turnId: turn.id, text: userText, final: true });
      for (const f of plan.extractFacts(userText, visit.language)) if (!visit.facts.includes(f)) visit.facts.push(f);
    }
    const startedAt = visit.conversationStartedAt ?? clock.now();
    const elapsedMs = clock.now() - startedAt;
    const phase = plan.phaseFor(elapsedMs, turn.id);
    const messages = userText ? [...visit.history, { role: "user" as const, content: userText }] : [...visit.history];
    const reply: ActiveReply = { turn, farewell: phase.farewell, done: Promise.resolve(), playbackStartedAt: null, totalSamples: null, ended: false };
    this.active = reply;
    const voice = visit.voice;
    if (!voice) throw new Error("conversation started without a cloned voice");
    const run = runReply(
      turn,
      {
        system: plan.systemPrompt(phase.id, visit.language, visit.facts),
        messages,
        context: {
          language: visit.language,
          phase: phase.id,
          turnIndex: turn.id,
          elapsedMs,
          remainingMs: Math.max(0, plan.maxConversationMs - elapsedMs),
          facts: [...visit.facts],
          userText,
          random: this.o.random,
        },
      },
      voice,
      this.o.stages,
    );
    reply.done = run.then((result) => {
      turn.replyText = result.spokenText;
      if (result.spokenText) visit.vault.putText("reply", result.spokenText);
      if (userText) visit.history.push({ role: "user", content: userText });
      if (result.spokenText) visit.history.push({ role: "assistant", content: result.spokenText });
      if (result.error !== undefined) {
        this.o.onEvent({ type: "error", code: "reply-failed", message: "The double could not answer this time." });
        reply.ended = true;
      }
      reply.totalSamples = result.totalSamples;
      if (!result.completed) reply.ended = true;
      else this.expectEnd(reply);
      this.o.onEvent({ type: "turn-done", turn, result, farewell: phase.farewell });
      this.finishIfDone();
    });
    await reply.done;
  }

  /** A player that never reports "ended" (gone, broken) must not leave the double talking forever. */
  private expectEnd(reply: ActiveReply): void {
    const from = reply.playbackStartedAt ?? this.o.clock.now();
    const remaining = from + samplesToMs(reply.totalSamples ?? 0) + (this.o.playbackGraceMs ?? 1500) - this.o.clock.now();
    const timer = setTimeout(() => {
      if (this.active !== reply || reply.ended) return;
      reply.ended = true;
      this.finishIfDone();
    }, Math.max(0, remaining));
    timer.unref?.();
  }

  private finishIfDone(): void {
    const a = this.active;
    if (!a || !a.ended || a.totalSamples === null) return;
    this.active = null;
    if (a.farewell && !a.turn.interrupted) this.o.onEvent({ type: "farewell-done" });
    else this.o.onEvent({ type: "listening" });
  }
}

function samplesToMs(samples: number): number {
  return (samples * 1000) / OUTPUT_SAMPLE_RATE;
}
