import type { Language } from "@mirror/protocol";
import { MIC_SAMPLE_RATE, OUTPUT_SAMPLE_RATE } from "@mirror/protocol";
import { BargeInHold, type BackchannelOptions } from "./barge-in-hold.js";
import type { Clock, Random } from "./clock.js";
import type { Lipsync } from "./contracts/lipsync.js";
import type { Llm } from "./contracts/llm.js";
import type { Sink } from "./contracts/sink.js";
import type { Stt, SttStream } from "./contracts/stt.js";
import type { Tts } from "./contracts/tts.js";
import type { Vad, VadOptions, VadSession } from "./contracts/vad.js";
import { EchoGuard, type EchoGuardOptions } from "./echo-guard.js";
import { EchoReference } from "./echo-reference.js";
import { EndOfTurnPolicy, type EndpointingOptions, type EndpointReason } from "./endpointing.js";
import { isAbort } from "./errors.js";
import { runReply, type ReplyResult } from "./pipeline.js";
import { SpeculativeLlm } from "./speculation.js";
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
  /** end-of-turn rule: how much silence after the visitor's last segment commits the turn (see core/endpointing.ts) */
  endpointing?: EndpointingOptions;
  /** start the brain on the STT final before the turn is committed (cancelled if the visitor goes on); default true */
  speculative?: boolean;
  /** the server-side echo guard against the double's own voice in the mic; false turns it off */
  echoGuard?: EchoGuardOptions | false;
  /** visitor speech over the double pauses the reply; a lone backchannel resumes it; false: every barge-in interrupts */
  backchannels?: BackchannelOptions | false;
}

export type { BackchannelOptions } from "./barge-in-hold.js";

/** how long the player goes on after an interrupt (network, its fade-out): the reference is kept that long */
const STOP_LAG_SAMPLES = Math.round(0.15 * MIC_SAMPLE_RATE);

/** One stretch of speech between VAD onset and offset, transcribed by its own STT stream. */
interface Segment {
  stream: SttStream;
  abort: AbortController;
  lastPartial: string;
  final: Promise<string>;
  resolveFinal: (text: string) => void;
  speechEndSample: number;
  speechEnd: number;
}

/** A turn heard in full but not yet committed: waiting for the policy's silence, maybe with the brain already at work. */
interface PendingTurn {
  text: string;
  speechEnd: number;
  sttFinal: number;
  commitSample: number;
  reason: EndpointReason;
  prepared: PreparedReply;
  speculation: SpeculativeLlm | null;
  safety: NodeJS.Timeout;
}

interface PreparedReply {
  turnIndex: number;
  historyLength: number;
  userText: string;
  phase: { id: string; farewell: boolean };
  request: Parameters<typeof runReply>[1];
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
 * Turn-taking for one visit: mic frames → VAD segments → STT → end-of-turn policy → a reply turn. The brain may start
 * on a segment's final before the turn is committed and is cancelled if the visitor goes on. Visitor speech while
 * the double talks aborts the reply (barge-in) through the turn's AbortController and an interrupt that overtakes
 * queued data.
 */
export class Conversation {
  private readonly vad: VadSession;
  private readonly policy: EndOfTurnPolicy;
  private readonly echo: EchoGuard | null;
  private readonly reference: EchoReference | null;
  /** the segment being spoken now */
  private current: Segment | null = null;
  /** segments' finals are handled in speaking order, whatever order the STT finishes them in */
  private finals: Promise<void> = Promise.resolve();
  /** the visitor's words of the turn being assembled (segments already final) */
  private heard = "";
  private pending: PendingTurn | null = null;
  private turnCounter = 0;
  private active: ActiveReply | null = null;
  /** words of an utterance whose reply was cut before it was heard: said again with the next one */
  private carryText = "";
  private readonly preRoll: Int16Array[] = [];
  /** arrival time of recent mic frames, by the sample they end at: maps VAD sample positions to clock time */
  private readonly arrivals: Array<{ end: number; at: number }> = [];
  private readonly hold: BargeInHold<ActiveReply, Segment> | null;
  private closed = false;

  constructor(private readonly o: ConversationOptions) {
    this.vad = o.stages.vad.open(o.vad);
    this.policy = new EndOfTurnPolicy(o.endpointing);
    this.echo = o.echoGuard === false ? null : new EchoGuard(o.echoGuard);
    this.reference = this.echo ? new EchoReference(this.echo) : null;
    this.hold = o.backchannels
      ? new BargeInHold<ActiveReply, Segment>(o.backchannels, {
          clock: o.clock,
          sinks: o.stages.sinks,
          reference: this.reference,
          micPosition: () => this.vad.position,
          stopLagSamples: STOP_LAG_SAMPLES,
          interrupt: (a, onset, silencedSample) => this.interrupt(a, onset, silencedSample),
        })
      : null;
  }

  /** The double speaks first (turn 0): the greeting in the visitor's own voice. */
  greet(): Promise<void> {
    return this.startReply(this.prepare(""), null, null);
  }

  pushMic(frame: Int16Array): void {
    if (this.closed) return;
    const at = this.o.clock.now();
    const start = this.vad.position;
    // the VAD and the STT hear the mic with the double's own voice taken out
    const heard = this.echo ? this.echo.process(frame, start) : frame;
    const events = this.vad.push(heard, { doubleSpeaking: this.doubleAudible() });
    this.arrivals.push({ end: this.vad.position, at });
    if (this.arrivals.length > 400) this.arrivals.splice(0, 100);
    this.preRoll.push(heard);
    const keep = Math.ceil(((this.o.preRollMs ?? 300) * MIC_SAMPLE_RATE) / 1000 / Math.max(1, frame.length));
    while (this.preRoll.length > keep) this.preRoll.shift();
    this.current?.stream.push(heard);
    for (const ev of events) {
      if (ev.type === "speech-start") this.onSpeechStart(ev.sample);
      else this.onSpeechEnd(ev.sample);
    }
    this.hold?.decideIfDue();
    this.commitIfDue();
  }

  /** What the player reports (browser or the demo's simulated player). */
  onPlayback(turnId: number, event: "started" | "ended" | "stopped" | "first-lip-motion", at: number): void {
    const a = this.active;
    const turn = a?.turn.id === turnId ? a.turn : this.o.visit.turns.find((t) => t.id === turnId);
    if (!turn) return;
    if (event === "started") {
      turn.mark("playbackStart", at);
      this.reference?.started(turnId, this.sampleAtTime(at));
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
    this.hold?.release();
    this.active?.turn.abort("conversation closed");
    this.cancelPending();
    this.current?.abort.abort();
    this.current = null;
  }

  /** The mic sample captured at clock time `at` (the inverse of timeOfSample), extrapolated past the last frame. */
  private sampleAtTime(at: number): number {
    const last = this.arrivals[this.arrivals.length - 1];
    if (!last) return this.vad.position;
    for (const a of this.arrivals) if (a.at >= at) return Math.max(0, Math.round(a.end - ((a.at - at) * MIC_SAMPLE_RATE) / 1000));
    return Math.round(last.end + ((at - last.at) * MIC_SAMPLE_RATE) / 1000);
  }

  private timeOfSample(sample: number): number {
    for (const a of this.arrivals) if (a.end >= sample) return a.at;
    return this.o.clock.now();
  }

  private onSpeechStart(sample: number): void {
    const onset = this.timeOfSample(sample);
    const a = this.active;
    if (this.hold?.holding) this.hold.commit(); // more speech after the first stretch: not a backchannel
    else if (a && !a.ended && this.hold) this.hold.pause(a, onset, sample);
    else if (a && !a.ended) this.interrupt(a, onset);
    // the visitor goes on: the turn is not over, and whatever the brain started on is thrown away
    this.cancelPending();
    this.current?.abort.abort();
    const abort = new AbortController();
    let resolveFinal: (text: string) => void = () => undefined;
    const final = new Promise<string>((resolve) => (resolveFinal = resolve));
    const stream = this.o.stages.stt.open({ language: this.o.visit.language, signal: abort.signal });
    const seg: Segment = { stream, abort, lastPartial: "", final, resolveFinal, speechEndSample: sample, speechEnd: onset };
    this.current = seg;
    this.hold?.segmentStarted(seg);
    for (const f of this.preRoll) stream.push(f);
    void this.readSegment(seg);
  }

  /** `silencedSample`: the mic sample where a pause already silenced the double (its marks stand) */
  private interrupt(a: ActiveReply, onset: number, silencedSample?: number): void {
    const heard = a.playbackStartedAt !== null;
    a.turn.interrupted = true;
    if (silencedSample === undefined) a.turn.mark("bargeInStart", onset);
    a.turn.abort("barge-in");
    for (const s of this.o.stages.sinks) s.write({ type: "interrupt", turnId: a.turn.id });
    if (silencedSample === undefined) a.turn.mark("bargeInStop");
    // a paused reply's marks were set at the pause, before it counted as interrupted: observers learn it here
    else a.turn.mark("bargeInCommit");
    this.reference?.stopped(a.turn.id, silencedSample ?? this.vad.position + STOP_LAG_SAMPLES);
    if (!heard) this.carryText = [this.carryText, a.turn.userText].filter(Boolean).join(" ");
    a.ended = true;
  }

  private async readSegment(seg: Segment): Promise<void> {
    try {
      for await (const ev of seg.stream.events) {
        if (this.closed) break;
        if (ev.type === "partial") {
          seg.lastPartial = ev.text;
          const text = [this.heard, ev.text].filter(Boolean).join(" ");
          this.o.onEvent({ type: "transcript", turnId: this.turnCounter, text, final: false });
        } else seg.resolveFinal(ev.text);
      }
    } catch (err) {
      if (!isAbort(err)) this.o.onEvent({ type: "error", code: "stt-failed", message: String((err as Error).message ?? err) });
    }
    seg.resolveFinal("");
  }

  private onSpeechEnd(sample: number): void {
    const seg = this.current;
    if (!seg) return;
    this.current = null;
    seg.speechEndSample = sample;
    seg.speechEnd = this.timeOfSample(sample);
    this.hold?.segmentEnded(seg);
    seg.stream.end(); // an ended stream finishes on its own and frees its decoder
    this.finals = this.finals.then(() => seg.final).then((text) => this.onSegmentFinal(seg, text));
  }

  private onSegmentFinal(seg: Segment, text: string): void {
    if (this.closed) return;
    if (this.hold?.decide(seg, text, this.o.visit.language, this.current !== null)) return; // a backchannel is not a turn
    const sttFinal = this.o.clock.now();
    if (text.trim()) this.heard = [this.heard, text.trim()].filter(Boolean).join(" ");
    if (this.current) return; // the visitor is speaking again: the turn goes on
    if (!this.heard) {
      if (!this.active && !this.pending) this.o.onEvent({ type: "listening" });
      return;
    }
    const decision = this.policy.decide(this.heard, seg.lastPartial);
    const prepared = this.prepare([this.carryText, this.heard].filter(Boolean).join(" "));
    const speculation = this.o.speculative === false ? null : new SpeculativeLlm(this.o.stages.llm, prepared.request, () => this.o.clock.now());
    const commitSample = seg.speechEndSample + Math.round((decision.silenceMs * MIC_SAMPLE_RATE) / 1000);
    // the mic stream is the clock of the wait; this only covers a microphone that stops sending
    const safety = setTimeout(() => this.commitIfDue(true), decision.silenceMs + 1000);
    safety.unref?.();
    this.pending = { text: this.heard, speechEnd: seg.speechEnd, sttFinal, commitSample, reason: decision.reason, prepared, speculation, safety };
    this.commitIfDue();
  }

  private commitIfDue(force = false): void {
    const p = this.pending;
    if (!p || this.current || this.closed) return;
    if (!force && this.vad.position < p.commitSample) return;
    clearTimeout(p.safety);
    this.pending = null;
    this.heard = "";
    this.carryText = "";
    const fresh = p.prepared.turnIndex === this.turnCounter && p.prepared.historyLength === this.o.visit.history.length;
    if (!fresh) p.speculation?.cancel();
    const prepared = fresh ? p.prepared : this.prepare(p.prepared.userText);
    void this.startReply(prepared, { speechEnd: p.speechEnd, sttFinal: p.sttFinal }, fresh ? p.speculation : null);
  }

  private cancelPending(): void {
    const p = this.pending;
    if (!p) return;
    clearTimeout(p.safety);
    p.speculation?.cancel();
    this.pending = null;
  }

  /** Everything a reply needs but its Turn: built once, used by the speculation and by the committed turn alike. */
  private prepare(userText: string): PreparedReply {
    const { visit, plan, clock } = this.o;
    const startedAt = visit.conversationStartedAt ?? clock.now();
    const elapsedMs = clock.now() - startedAt;
    const turnIndex = this.turnCounter;
    const phase = plan.phaseFor(elapsedMs, turnIndex);
    const messages = userText ? [...visit.history, { role: "user" as const, content: userText }] : [...visit.history];
    return {
      turnIndex,
      historyLength: visit.history.length,
      userText,
      phase,
      request: {
        system: plan.systemPrompt(phase.id, visit.language, visit.facts),
        messages,
        context: {
          language: visit.language,
          phase: phase.id,
          turnIndex,
          elapsedMs,
          remainingMs: Math.max(0, plan.maxConversationMs - elapsedMs),
          facts: [...visit.facts],
          userText,
          random: this.o.random,
        },
      },
    };
  }

  private async startReply(prepared: PreparedReply, marks: { speechEnd: number; sttFinal: number } | null, speculation: SpeculativeLlm | null): Promise<void> {
    const { visit, plan, clock } = this.o;
    const { userText, phase } = prepared;
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
    const reply: ActiveReply = { turn, farewell: phase.farewell, done: Promise.resolve(), playbackStartedAt: null, totalSamples: null, ended: false };
    this.active = reply;
    const voice = visit.voice;
    if (!voice) throw new Error("conversation started without a cloned voice");
    const sinks = this.reference ? [...this.o.stages.sinks, this.reference] : this.o.stages.sinks;
    const filler = userText && visit.fillers ? { filler: visit.fillers } : {};
    const stages = { ...this.o.stages, sinks, ...(speculation ? { llm: speculation } : {}), ...filler };
    const run = runReply(turn, prepared.request, voice, stages);
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

  /**
   * A player that never reports "ended" (gone, broken) must not leave the double talking forever. A barge-in pause
   * shifts the reply's end (a resume moves playbackStartedAt), so the wait is re-measured when it runs out.
   */
  private expectEnd(reply: ActiveReply, from = reply.playbackStartedAt ?? this.o.clock.now()): void {
    const endsAt = () => (reply.playbackStartedAt ?? from) + samplesToMs(reply.totalSamples ?? 0) + (this.o.playbackGraceMs ?? 1500);
    const timer = setTimeout(() => {
      if (this.active !== reply || reply.ended) return;
      if (this.hold?.holding || endsAt() > this.o.clock.now() + 1) return this.expectEnd(reply, from);
      reply.ended = true;
      this.finishIfDone();
    }, Math.max(this.hold?.holding ? 100 : 0, endsAt() - this.o.clock.now()));
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
