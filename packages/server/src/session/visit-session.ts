import {
  BinaryKind,
  bytesToInt16,
  decodeBinary,
  parseClientMessage,
  type ClientMessage,
  type ConsentText,
  type FaceLayout,
  type Language,
  type ServerMessage,
} from "@mirror/protocol";
import { MIC_SAMPLE_RATE, type BoothDisplay } from "@mirror/protocol";
import { checkFaceLayout, checkPhoto } from "../capture/photo-check.js";
import { checkVoiceSample, emptySampleStats, sampleMessage } from "../capture/sample-check.js";
import { prepareFillers } from "../stages/tts/fillers.js";
import type { Clock, Random } from "../core/clock.js";
import type { Lipsync } from "../core/contracts/lipsync.js";
import type { Llm } from "../core/contracts/llm.js";
import type { Sink } from "../core/contracts/sink.js";
import type { Stt } from "../core/contracts/stt.js";
import type { Tts } from "../core/contracts/tts.js";
import type { Vad } from "../core/contracts/vad.js";
import { DEFAULT_BACKCHANNELS } from "../core/barge-in-hold.js";
import { Conversation, type BackchannelOptions, type ConversationEvent, type DialoguePlan } from "../core/conversation.js";
import { InputError } from "../core/errors.js";
import { Visit, type Retention } from "../core/visit.js";
import { DEFAULT_CONSENT } from "../config/privacy.js";
import { fanOut, type VisitObserver } from "../observers/observer.js";
import { BrowserSink, type BrowserChannel } from "../sinks/browser/browser-sink.js";
import type { SinkSet } from "../sinks/from-config.js";
import { RenderBudgetSink } from "../sinks/render-budget/render-budget-sink.js";
import { receiptCode } from "../observers/receipts.js";
import type { BrowserSttBridge, BrowserWhisperHub } from "../stages/stt/browser-whisper/index.js";

export interface Providers {
  vad: Vad;
  stt: Stt;
  llm: Llm;
  tts: Tts;
  lipsync: Lipsync;
  /** extra sinks per visit (Live Link, Audio2Face, …) beside the kiosk itself */
  sinks?: (visit: Visit) => Sink[];
  /** the process-wide sinks behind `sinks` (warm-up, close, figures) */
  sinkSet?: SinkSet;
  /** Whisper in the kiosk: when its model is ready, the conversation's text comes from the browser (`stt` is the fallback) */
  browserStt?: BrowserWhisperHub;
  /** fillers in the cloned voice for a slow brain (config stages.tts.fillers); default on, 700 ms */
  fillers?: { enabled: boolean; delayMs: number };
}

export interface SessionTimeouts {
  /** no visitor speech for this long during the conversation: they walked away */
  silenceMs: number;
  /** stuck before the conversation (consent, capture) this long: back to attract */
  idleMs: number;
}

export interface VisitSessionOptions {
  providers: Providers;
  plan: DialoguePlan & { sampleSentence(language: Language): string };
  channel: BrowserChannel;
  clock: Clock;
  random: Random;
  observers?: readonly VisitObserver[];
  language?: Language;
  timeouts?: Partial<SessionTimeouts>;
  /** the operator paused the installation: no new visit starts (the one under way carries on) */
  isPaused?: () => boolean;
  /** the booth's screen, told to the kiosk with every visit */
  display?: BoothDisplay;
  /** barge-in pauses the reply and a lone backchannel resumes it (config stages.bargeIn); default: on, the default words; false: every barge-in interrupts */
  backchannels?: BackchannelOptions | false;
  /** GPU budget: the kiosk's renderer fps cap while a reply is synthesized (config gpuBudget) */
  rendererMaxFpsWhileSpeaking?: number;
  /** the consent screen per language (config privacy.consent via consentScreens); default: DEFAULT_CONSENT */
  consent?: Record<Language, ConsentText>;
  /** the operator's retention opt-in; none: nothing of a visit is kept */
  retention?: Retention | null;
  /** the kiosk goes back to attract when nobody touches consent / photo / sample this long (config visit.kioskIdleTimeoutMs) */
  kioskIdleMs?: number;
}

export const PAUSED_MESSAGE = "The mirror is resting for a moment. Please come back a little later.";

const MAX_SAMPLE_BYTES = 20 * MIC_SAMPLE_RATE * 2;

/**
 * One kiosk connection, visitor after visitor: consent → capture → clone → conversation → farewell → purge.
 * Speaks the kiosk protocol; the demo drives it the same way, so the kiosk and the replay run the same code.
 */
export class VisitSession {
  visit!: Visit;
  private conversation: Conversation | null = null;
  private sinks: Sink[] = [];
  private pendingFace: FaceLayout | null = null;
  private photoOk = false;
  private sampleOk = false;
  private cloning = false;
  private timer: NodeJS.Timeout | null = null;
  /** no word from the visitor for `silenceMs` while the double waits: they walked away */
  private silenceTimer: NodeJS.Timeout | null = null;
  private heardVisitor = false;
  private readonly observe: Required<VisitObserver>;
  private readonly timeouts: SessionTimeouts;
  private closed = false;
  /** this kiosk's Whisper (when configured) */
  readonly ears: BrowserSttBridge | null;

  constructor(private readonly o: VisitSessionOptions) {
    this.observe = fanOut(o.observers ?? []);
    this.timeouts = { silenceMs: 45_000, idleMs: 180_000, ...o.timeouts };
    this.ears = o.providers.browserStt?.attach((msg) => this.send(msg)) ?? null;
    this.newVisit();
  }

  private send(msg: ServerMessage): void {
    if (!this.closed) this.o.channel.send(msg);
  }

  private newVisit(language = this.o.language ?? "en"): void {
    this.visit = new Visit({ language, retention: this.o.retention ?? null });
    this.heardVisitor = false;
    this.pendingFace = null;
    this.photoOk = false;
    this.sampleOk = false;
    this.visit.onPhase((v, _from, to) => this.observe.onPhase(v, to));
    this.send({
      type: "visit",
      visitId: this.visit.id,
      phase: "attract",
      language,
      maxConversationMs: this.o.plan.maxConversationMs,
      sampleSentences: { en: this.o.plan.sampleSentence("en"), nl: this.o.plan.sampleSentence("nl") },
      ...(this.o.display ? { display: this.o.display } : {}),
      consent: this.o.consent ?? DEFAULT_CONSENT,
      ...(this.o.kioskIdleMs ? { idleTimeoutMs: this.o.kioskIdleMs } : {}),
    });
  }

  /** A notice to the kiosk that is not about the visit itself (e.g. the connection is flooding). */
  warn(code: string, message: string): void {
    this.send({ type: "error", code, message });
  }

  /** A text frame from the kiosk. Bad messages get an error back; nothing throws out of here. */
  handleText(text: string): void {
    const parsed = parseClientMessage(text);
    if (!parsed.ok) return this.send({ type: "error", code: "bad-message", message: parsed.error });
    this.handleMessage(parsed.message);
  }

  handleMessage(msg: ClientMessage): void {
    const v = this.visit;
    switch (msg.type) {
      case "hello":
        return;
      case "consent":
        if (!msg.accepted) return void this.endVisit("declined");
        if (v.phase !== "attract") return;
        if (this.o.isPaused?.()) return this.send({ type: "error", code: "paused", message: PAUSED_MESSAGE });
        if (msg.language) v.language = msg.language;
        v.enter("consent");
        v.enter("capture");
        this.phase();
        this.armTimer(this.timeouts.idleMs, "idle");
        return;
      case "photo-meta":
        this.pendingFace = msg.face;
        return;
      case "start-conversation":
        return this.startConversation();
      case "playback":
        // sinks on the audio clock (Live Link) follow the moment the kiosk really started playing
        if (msg.event === "started") for (const s of this.sinks) (s as Partial<PlaybackFollower>).playbackStarted?.(msg.turnId, performance.timeOrigin + performance.now() - msg.agoMs);
        return this.conversation?.onPlayback(msg.turnId, msg.event, this.o.clock.now() - msg.agoMs);
      case "end-visit":
        return void this.endVisit(msg.reason);
      case "stt-status":
      case "stt-transcript":
      case "stt-error":
        return this.ears?.handle(msg);
    }
  }

  handleBinary(data: Uint8Array): void {
    const frame = decodeBinary(data);
    if (!frame) return this.send({ type: "error", code: "bad-frame", message: "unreadable binary frame" });
    const v = this.visit;
    if (frame.kind === BinaryKind.mic) {
      if (frame.payload.byteLength % 2 !== 0) return;
      // the kiosk's Whisper is asked for stretches of the mic by the stamps of these frames
      this.ears?.onMic(frame.sample, frame.payload.byteLength / 2);
      if (v.phase === "conversation") this.conversation?.pushMic(bytesToInt16(frame.payload));
      return;
    }
    if (v.phase !== "capture") return this.send({ type: "error", code: "wrong-phase", message: "not capturing now" });
    if (frame.kind === BinaryKind.photo) this.takePhoto(frame.payload);
    else if (frame.kind === BinaryKind.voiceSample) this.takeSample(frame.payload);
  }

  private takePhoto(bytes: Uint8Array): void {
    try {
      const info = checkPhoto(bytes);
      const face = this.pendingFace ?? defaultFace();
      checkFaceLayout(face);
      this.visit.vault.put("photo", bytes.slice());
      this.visit.face = face;
      this.photoOk = true;
      this.send({ type: "photo-result", ok: true, message: `photo ${info.width}×${info.height}` });
      void this.maybeClone();
    } catch (err) {
      const message = err instanceof InputError ? err.message : "That photo did not work. Please take it again.";
      this.send({ type: "photo-result", ok: false, message });
    }
  }

  private takeSample(bytes: Uint8Array): void {
    if (bytes.byteLength > MAX_SAMPLE_BYTES || bytes.byteLength % 2 !== 0) {
      const stats = emptySampleStats((bytes.byteLength / 2 / MIC_SAMPLE_RATE) * 1000);
      return this.send({ type: "sample-result", ok: false, problems: ["too-long"], message: sampleMessage(["too-long"]), stats });
    }
    const pcm = bytesToInt16(bytes).slice();
    const check = checkVoiceSample(pcm, this.o.providers.vad);
    this.send({ type: "sample-result", ok: check.ok, problems: check.problems, message: sampleMessage(check.problems), stats: check.stats });
    if (!check.ok || !check.cleaned) {
      pcm.fill(0);
      return;
    }
    this.visit.vault.put("voice-sample", pcm);
    this.visit.vault.put("voice-sample-clean", check.cleaned);
    this.sampleOk = true;
    void this.maybeClone();
  }

  private async maybeClone(): Promise<void> {
    const v = this.visit;
    if (!this.photoOk || !this.sampleOk || this.cloning || v.phase !== "capture") return;
    this.cloning = true;
    v.enter("clone");
    this.phase();
    const t0 = this.o.clock.now();
    const tts = this.o.providers.tts;
    try {
      const sample = v.vault.latest<Float32Array>("voice-sample-clean");
      if (!sample) throw new Error("no voice sample");
      const voice = await tts.cloneVoice(
        { pcm: sample, sampleRate: MIC_SAMPLE_RATE, transcript: this.o.plan.sampleSentence(v.language), language: v.language },
        AbortSignal.timeout(60_000),
      );
      const stillCloning = () => v === this.visit && v.phase === "clone";
      if (!stillCloning()) return void tts.forgetVoice(voice);
      v.voice = voice;
      v.vault.onPurge(tts.info.id, () => tts.forgetVoice(voice));
      const fillers = this.o.providers.fillers;
      if (fillers?.enabled !== false) {
        prepareFillers(tts, voice, v.vault, AbortSignal.timeout(30_000), fillers ? { delayMs: fillers.delayMs } : {})
          .then((bank) => {
            if (bank.size && !v.vault.isPurged) v.fillers = bank;
          })
          .catch(() => undefined);
      }
      const cloneMs = this.o.clock.now() - t0;
      this.observe.onCloned(v, cloneMs, voice.similarity ?? null);
      this.send({ type: "clone-ready", cloneMs: Math.round(cloneMs) });
    } catch {
      this.send({ type: "error", code: "clone-failed", message: "Something went wrong making your double. Please try again." });
      await this.endVisit("clone-failed");
    } finally {
      this.cloning = false;
    }
  }

  private startConversation(): void {
    const v = this.visit;
    if (v.phase !== "clone" || !v.voice || this.conversation) return;
    v.enter("conversation");
    v.conversationStartedAt = this.o.clock.now();
    this.phase();
    const p = this.o.providers;
    const budget = this.o.rendererMaxFpsWhileSpeaking;
    const sinks = [new BrowserSink(this.o.channel), ...(budget ? [new RenderBudgetSink(this.o.channel, budget)] : []), ...(p.sinks?.(v) ?? [])];
    this.sinks = sinks;
    const conversation = new Conversation({
      stages: { vad: p.vad, stt: this.ears?.stt(p.stt) ?? p.stt, llm: p.llm, tts: p.tts, lipsync: p.lipsync, sinks },
      plan: this.o.plan,
      visit: v,
      clock: this.o.clock,
      random: this.o.random,
      onEvent: (ev) => this.onConversation(v, ev),
      onMark: (turn, mark, at) => this.observe.onMark(v, turn, mark, at),
      backchannels: this.o.backchannels ?? DEFAULT_BACKCHANNELS,
    });
    this.conversation = conversation;
    this.armTimer(this.o.plan.maxConversationMs + 60_000, "overtime");
    void conversation.greet();
  }

  private onConversation(v: Visit, ev: ConversationEvent): void {
    if (v !== this.visit) return;
    switch (ev.type) {
      case "transcript":
        this.heardVisitor = true;
        this.armSilenceTimer();
        return this.send({ type: "transcript", turnId: ev.turnId, text: ev.text, final: ev.final });
      case "listening":
        // a visitor who has not said a word since the greeting has walked away just the same
        if (!this.heardVisitor) this.armSilenceTimer();
        return this.send({ type: "listening" });
      case "turn-done":
        this.observe.onTurnDone(v, ev.turn, ev.result);
        return this.send({ type: "timings", turnId: ev.turn.id, timings: ev.turn.timings() });
      case "farewell-done":
        return void this.endVisit("farewell");
      case "error":
        return this.send({ type: "error", code: ev.code, message: ev.message });
    }
  }

  private phase(): void {
    this.send({ type: "phase", phase: this.visit.phase });
  }

  private armTimer(ms: number, reason: string): void {
    if (this.timer) clearTimeout(this.timer);
    const v = this.visit;
    this.timer = setTimeout(() => {
      if (v === this.visit) void this.endVisit(reason);
    }, ms);
    this.timer.unref?.();
  }

  private armSilenceTimer(): void {
    if (this.silenceTimer) clearTimeout(this.silenceTimer);
    const v = this.visit;
    this.silenceTimer = setTimeout(() => {
      if (v === this.visit) void this.endVisit("walked-away");
    }, this.timeouts.silenceMs);
    this.silenceTimer.unref?.();
  }

  /** Farewell (when there was a conversation), purge, deletion record to the kiosk, then the next visitor. */
  async endVisit(reason: string): Promise<void> {
    const v = this.visit;
    if (v.phase === "purge") return;
    if (this.timer) clearTimeout(this.timer);
    if (this.silenceTimer) clearTimeout(this.silenceTimer);
    this.conversation?.close();
    this.conversation = null;
    if (v.phase === "conversation") v.enter("farewell");
    const record = await v.purge(reason);
    this.observe.onPurged(record);
    this.send({ type: "purged", record, receipt: receiptCode(record) });
    if (!this.closed) this.newVisit(v.language);
  }

  /**
   * The operator's "skip phase": the conversation's clock jumps to the start of the next script phase, so the
   * next reply belongs to it (the farewell ends the visit). Returns the phase the next reply will be in.
   */
  skipPhase(): string {
    const v = this.visit;
    const started = v.conversationStartedAt;
    if (v.phase !== "conversation" || started === null) return `nothing to skip in ${v.phase}`;
    const plan = this.o.plan;
    const elapsed = this.o.clock.now() - started;
    const anyTurn = 1_000; // past every phase's minimum turn count, so only the clock decides
    const current = plan.phaseFor(elapsed, anyTurn).id;
    for (let t = elapsed; t <= plan.maxConversationMs; t += 250) {
      const next = plan.phaseFor(t, anyTurn);
      if (next.id === current) continue;
      v.conversationStartedAt = started - (t - elapsed);
      return next.id;
    }
    void this.endVisit("operator");
    return "farewell";
  }

  /** The kiosk went away: purge now. */
  async close(): Promise<void> {
    await this.endVisit("disconnected");
    this.closed = true;
    if (this.ears) this.o.providers.browserStt?.detach(this.ears);
  }
}

interface PlaybackFollower {
  playbackStarted(turnId: number, atWallMs: number): void;
}

function defaultFace(): FaceLayout {
  return { mouth: { x: 0.5, y: 0.73 }, mouthWidth: 0.28, eyes: { y: 0.45, left: 0.36, right: 0.64 } };
}
