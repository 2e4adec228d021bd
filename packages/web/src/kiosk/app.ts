import type { BinaryFrame, Language, ServerMessage, ServerMessageOf, VisitPhase } from "@mirror/protocol";
import { MicCapture } from "./audio/capture.js";
import { ReplyPlayer } from "./audio/player.js";
import { applyBoothDisplay } from "./booth-display.js";
import { FaceDetector } from "../face/detector.js";
import { Autopilot } from "./autopilot.js";
import { AvMeter } from "./av-meter.js";
import { CaptureFlow } from "./capture-flow.js";
import { KioskEars } from "./ears/kiosk-ears.js";
import { FacePhoto } from "./face/face-photo.js";
import { Animator } from "./renderer/animator.js";
import { MouthWatch } from "./renderer/mouth-watch.js";
import { FaceRenderer } from "./renderer/renderer.js";
import { FrameTimeline } from "./renderer/timeline.js";
import { KioskSocket, type SocketHandlers } from "./socket.js";
import { KioskStats, exposeMirrorStats, exposeStats } from "./stats.js";
import { HOLD_SAMPLES, TurnPlayback } from "./turns.js";
import { KioskView, type Screen, type ViewActions } from "./view.js";

export interface KioskConfig {
  wsUrl: string;
  captureWorkletUrl: string;
  playerWorkletUrl: string;
  /** the face detector's worker, models folder and tfjs wasm folder */
  face: { worker: string; models: string; wasm: string };
  size: { width: number; height: number };
  /** `?autopilot=1`: walk the visit without touches */
  autopilot: boolean;
  /** `?measure=1`: measure lip onset on the rendered pixels (reads pixels back; the head holds still) */
  measure: boolean;
  /** start recording the voice sample as soon as its screen appears (automated walks) */
  autostart: boolean;
  /** `?booth=b1`: the server keeps this booth's visit across a network blip, so the kiosk keeps it too for a while */
  booth?: string | null;
  /** Whisper's worker (used when Mirror serves /ears/config.json, see docs/ears.md) */
  earsWorker?: string;
}

/** How long a booth's kiosk keeps its visit while disconnected (the server keeps it 20 s by default). */
const BOOTH_RESUME_MS = 15_000;

const SCREEN_PHASE: Record<Screen, VisitPhase> = {
  attract: "attract",
  consent: "consent",
  declined: "consent",
  photo: "capture",
  sample: "capture",
  clone: "clone",
  conversation: "conversation",
  farewell: "farewell",
  purged: "purge",
};
/** errors about the kiosk's own messages: the visitor gets the generic sentence, not the technical one */
const PROTOCOL_ERRORS = new Set(["bad-message", "bad-frame", "wrong-phase"]);
/** how long "nothing was recorded" / "deleted" stay up before the attract screen */
const MESSAGE_MS = 5000;
/** nobody touched the consent / photo / sample screens for this long: the visitor walked away */
const IDLE_MS = 90_000; // the server's config (visit.kioskIdleTimeoutMs) says otherwise with every visit
/** farewell without a `purged` from the server (link lost): stop waiting */
const FAREWELL_MAX_MS = 90_000;

/** The kiosk's state machine: which screen, what is sent when, and what the server's messages change. */
export class KioskApp implements SocketHandlers, ViewActions {
  private readonly stats = new KioskStats();
  private readonly view: KioskView;
  private readonly socket: KioskSocket;
  private readonly mic: MicCapture;
  private readonly player: ReplyPlayer;
  private readonly timeline = new FrameTimeline();
  private readonly turns: TurnPlayback;
  private readonly captureFlow: CaptureFlow;
  private readonly renderer: FaceRenderer | null = null;
  private readonly animator: Animator | null = null;
  private readonly detector: FaceDetector;
  private readonly ears: KioskEars | null;
  private readonly av: AvMeter;
  private mouthWatch: MouthWatch | null = null;
  private screen: Screen = "attract";
  private consented = false;
  private conversationStarted = false;
  private maxConversationMs = 300_000;
  private idleMs = IDLE_MS;
  private screenTimer = 0;
  private idleTimer = 0;
  private resumeTimer = 0;
  /** a booth kiosk wiped its visit while away: the server's copy must end when it is back */
  private staleVisit = false;

  constructor(
    root: HTMLElement,
    private readonly config: KioskConfig,
  ) {
    this.view = new KioskView(root, this, config.size);
    this.socket = new KioskSocket(config.wsUrl, this);
    this.mic = new MicCapture(config.captureWorkletUrl);
    this.player = new ReplyPlayer(
      config.playerWorkletUrl,
      (e) => this.turns.playerEvent(e),
      (msg) => this.fail(msg),
    );
    this.ears = config.earsWorker ? new KioskEars(config.earsWorker, (m) => this.socket.send(m)) : null;
    const ears = this.ears;
    this.turns = new TurnPlayback(this.socket, this.player, this.timeline, this.mic, this.stats, ears ? (sample, pcm) => ears.history.push(sample, pcm) : undefined);
    this.av = new AvMeter(config.measure, this.player);
    this.detector = new FaceDetector(config.face);
    try {
      const renderer = new FaceRenderer(this.view.canvas);
      this.renderer = renderer;
      const mouthWatch = config.measure ? new MouthWatch(renderer) : null;
      this.mouthWatch = mouthWatch;
      this.animator = new Animator(renderer, this.timeline, (at) => this.turns.position(at), HOLD_SAMPLES, (f) => {
        this.turns.rendered(f);
        if (!mouthWatch) this.av.rendered(f, null);
        else for (const w of mouthWatch.frame(f)) this.av.rendered(w.frame, w.changed);
      });
      this.animator.life.still = config.measure;
    } catch (e) {
      this.fail(`renderer: ${String(e)}`);
    }
    const facePhoto = new FacePhoto(this.detector);
    this.captureFlow = new CaptureFlow(this.view, this.socket, this.mic, this.renderer, facePhoto, {
      photoAccepted: () => this.go("sample"),
      sampleAccepted: () => this.go("clone"),
      fail: (msg) => this.fail(msg),
    });
  }

  /** Boots the kiosk: stats hook, idle watch, socket. */
  run(): void {
    exposeStats(this.stats, {
      fps: () => (this.animator?.running ? this.animator.fps : 0),
      playedSamples: () => this.player.playedSamples,
    });
    exposeMirrorStats({
      state: () => this.screen,
      fps: () => (this.animator?.running ? this.animator.fps : 0),
      lastAvOffsetMs: () => this.av.lastOffsetMs,
      avOffsetsMs: () => this.av.offsetsMs,
      pipelineOffsetsMs: () => this.av.pipelineOffsetsMs,
      frameMs: () => this.animator?.frameWorkMs ?? 0,
      faceMessage: () => (this.screen === "photo" ? this.view.photo.message : ""),
      detector: () => (this.detector.backend ? { backend: this.detector.backend, loadMs: Math.round(this.detector.loadMs) } : null),
    });
    if (this.config.autopilot) {
      new Autopilot({
        screen: () => this.screen,
        canTakePhoto: () => this.view.photo.canTake,
        start: () => this.start(),
        accept: () => this.accept(),
        takePhoto: () => this.takePhoto(),
      }).start();
    }
    document.addEventListener("pointerdown", () => this.armIdle(), { passive: true });
    this.socket.connect();
    void this.ears?.start();
  }

  // ---------- socket ----------

  onOpen(): void {
    this.stats.connected = true;
    this.view.setConnected(true);
    this.socket.send(this.config.booth ? { type: "hello", booth: this.config.booth } : { type: "hello" });
    this.ears?.announce();
    window.clearTimeout(this.resumeTimer);
    if (this.staleVisit) this.socket.send({ type: "end-visit", reason: "walked-away" });
    this.staleVisit = false;
  }

  onClose(): void {
    if (this.config.booth && this.stats.visitId) {
      // a booth's visit survives a blip: the server sends the phase back when the socket returns
      this.stats.connected = false;
      this.view.setConnected(false);
      window.clearTimeout(this.resumeTimer);
      this.resumeTimer = window.setTimeout(() => {
        this.staleVisit = true;
        this.wipeAfterDisconnect();
      }, BOOTH_RESUME_MS);
      return;
    }
    this.wipeAfterDisconnect();
  }

  private wipeAfterDisconnect(): void {
    this.stats.connected = false;
    this.stats.visitId = null;
    this.view.setConnected(false);
    // the server ends the visit of a kiosk that went away; nothing of it may stay here either
    this.wipe();
    if (!this.showingMessage) this.go("attract");
  }

  onInvalid(what: string): void {
    this.fail(what);
  }

  onBinary(f: BinaryFrame): void {
    this.av.audio(f);
    this.turns.audio(f);
  }

  onMessage(m: ServerMessage): void {
    switch (m.type) {
      case "visit":
        return this.newVisit(m);
      case "phase":
        return this.serverPhase(m.phase);
      case "photo-result":
        return this.captureFlow.photoResult(m);
      case "sample-result":
        return this.captureFlow.sampleResult(m);
      case "clone-ready":
        return this.enterConversation();
      case "listening":
        return this.view.conversation.setListening(true);
      case "transcript":
        if (!m.final) this.animator?.life.visitorSpeaking(performance.now());
        this.view.conversation.setListening(!m.final);
        return this.view.conversation.transcript(m.text, m.final);
      case "reply-text":
        return this.view.conversation.replyText(m.turnId, m.text);
      case "frames":
        this.av.frames(m.turnId, m.frames);
        return this.turns.handle(m);
      case "turn-start":
      case "turn-end":
      case "interrupt":
      case "playback-pause":
      case "playback-resume":
        return this.turns.handle(m);
      case "timings":
        return; // for the operator console, not the visitor
      case "stt-request":
      case "stt-cancel":
        return this.ears?.handle(m);
      case "render-budget":
        if (this.animator) this.animator.maxFps = m.maxFps;
        return;
      case "error": {
        this.fail(`${m.code}: ${m.message}`);
        const message = PROTOCOL_ERRORS.has(m.code) || !m.message ? this.view.t("error.generic") : m.message;
        this.view.toast(message);
        return this.captureFlow.serverError(message);
      }
      case "purged":
        this.wipe();
        this.view.farewell.show(m.record, this.view.language, m.receipt);
        // a declined consent is purged too, and then "nothing was recorded" is the right message
        if (this.screen !== "declined") this.showThenAttract("purged");
        return;
    }
  }

  // ---------- visitor actions ----------

  start(): void {
    // the Start tap is the user gesture that lets both audio contexts run
    this.mic.unlock();
    this.player.unlock();
    this.go("consent");
  }

  setLanguage(lang: Language): void {
    this.view.setLanguage(lang);
    this.captureFlow.showSentence();
  }

  accept(): void {
    this.consented = true;
    this.socket.send({ type: "consent", accepted: true, language: this.view.language });
    this.go("photo");
  }

  decline(): void {
    this.socket.send({ type: "consent", accepted: false, language: this.view.language });
    this.wipe();
    this.showThenAttract("declined");
  }

  takePhoto(): void {
    this.captureFlow.takePhoto();
  }

  recordSample(): void {
    this.captureFlow.recordSample();
  }

  endVisit(): void {
    this.socket.send({ type: "end-visit", reason: "visitor" });
    this.enterFarewell();
  }

  // ---------- server-driven steps ----------

  private newVisit(m: ServerMessageOf<"visit">): void {
    this.wipe();
    this.stats.visitId = m.visitId;
    this.stats.serverPhase = m.phase;
    this.maxConversationMs = m.maxConversationMs;
    this.captureFlow.setSentences(m.sampleSentences);
    if (m.consent) this.view.setConsent(m.consent);
    this.idleMs = m.idleTimeoutMs ?? IDLE_MS;
    applyBoothDisplay(document.documentElement, m.display);
    this.setLanguage(m.language);
    // a "deleted" / "nothing recorded" message still up ends by itself, then attract
    if (!this.showingMessage) this.go(m.phase === "consent" ? "consent" : "attract");
  }

  private serverPhase(phase: VisitPhase): void {
    this.stats.serverPhase = phase;
    switch (phase) {
      case "clone":
        if (this.screen === "sample") this.go("clone");
        return;
      case "conversation":
        return this.enterConversation();
      case "farewell":
      case "purge":
        if (this.screen !== "purged" && this.screen !== "declined") this.enterFarewell();
        return;
      case "attract":
        if (!this.showingMessage && this.screen !== "attract") {
          this.wipe();
          this.go("attract");
        }
        return;
      case "consent":
      case "capture":
        return; // the kiosk walks these itself
    }
  }

  private enterConversation(): void {
    if (this.conversationStarted || !this.consented) return;
    this.conversationStarted = true;
    this.socket.send({ type: "start-conversation" });
    this.go("conversation");
    this.view.conversation.begin(this.maxConversationMs);
    this.player.unlock();
    this.mic
      .start()
      .then(() => this.turns.startMic())
      .catch((e: unknown) => this.fail(`microphone: ${String(e)}`));
  }

  private enterFarewell(): void {
    this.turns.stopMicStream();
    this.view.conversation.setListening(false);
    if (this.screen !== "farewell") this.go("farewell");
  }

  // ---------- screens and cleanup ----------

  private go(screen: Screen): void {
    const leaving = this.screen;
    this.screen = screen;
    this.stats.screen = screen;
    this.stats.phase = SCREEN_PHASE[screen];
    this.view.show(screen);
    this.armIdle();
    if (leaving === "photo" && screen !== "photo") this.captureFlow.closeCamera();
    if (leaving === "sample" && screen !== "sample") this.captureFlow.closeSample();
    if (screen === "photo" && leaving !== "photo") this.captureFlow.openCamera();
    if (screen === "sample" && leaving !== "sample") this.captureFlow.openSample(this.config.autostart);
    if (screen === "attract") this.view.farewell.clear();
    if (screen === "conversation" || screen === "farewell") this.animator?.start();
    else this.animator?.stop();
    clearTimeout(this.screenTimer);
    this.screenTimer = 0;
    if (screen === "farewell") {
      this.screenTimer = window.setTimeout(() => {
        this.wipe();
        this.showThenAttract("purged");
      }, FAREWELL_MAX_MS);
    }
  }

  /** "Nothing was recorded" / "deleted" is up; it goes to attract by itself. */
  private get showingMessage(): boolean {
    return this.screen === "declined" || this.screen === "purged";
  }

  /** Shows a message screen for a while, then the attract screen. */
  private showThenAttract(screen: "declined" | "purged"): void {
    this.go(screen);
    this.screenTimer = window.setTimeout(() => {
      this.screenTimer = 0;
      this.go("attract");
    }, MESSAGE_MS);
  }

  private armIdle(): void {
    clearTimeout(this.idleTimer);
    if (this.screen !== "consent" && this.screen !== "photo" && this.screen !== "sample") return;
    this.idleTimer = window.setTimeout(() => {
      if (this.consented) {
        this.socket.send({ type: "end-visit", reason: "walked-away" });
        this.wipe();
        this.go("farewell");
      } else this.go("attract");
    }, this.idleMs);
  }

  /** Drops everything of the visitor held in this page: photo, face texture, audio, words on screen. */
  private wipe(): void {
    this.captureFlow.wipe();
    this.ears?.wipe();
    this.turns.reset();
    this.av.reset();
    this.mouthWatch?.reset();
    this.mic.stop();
    this.renderer?.clearPhoto();
    this.view.conversation.clear();
    this.consented = false;
    this.conversationStarted = false;
  }

  private fail(message: string): void {
    this.stats.lastError = message;
  }
}
