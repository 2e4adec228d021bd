import type { ClientMessage, Language, ServerMessage } from "@mirror/protocol";
import { AsyncQueue } from "../../../core/async-queue.js";
import type { Stt, SttEvent, SttStream, SttStreamOptions } from "../../../core/contracts/stt.js";
import { MicTimeline } from "./mic-timeline.js";

export type KioskSttStatus = Extract<ClientMessage, { type: "stt-status" }>;
type KioskSttMessage = Extract<ClientMessage, { type: "stt-status" | "stt-transcript" | "stt-error" }>;

export interface BrowserSttBridgeOptions {
  send(message: ServerMessage): void;
  /** a requested transcript that has not come back after this long is done by the server's STT */
  timeoutMs: number;
  /** the kiosk's STT changed state (loading, ready, failed) */
  onStatus?(status: KioskSttStatus): void;
}

/** Counts only: how each utterance was transcribed. */
export interface BrowserSttStats {
  requests: number;
  browserFinals: number;
  fallbacks: number;
  timeouts: number;
  errors: number;
}

interface Waiting {
  partial(text: string): void;
  final(text: string): void;
  failed(reason: "error" | "timeout" | "unavailable"): void;
}

/**
 * One kiosk's Whisper as the conversation's STT. The server still hears the mic (VAD, echo guard, barge-in and the
 * end-of-turn policy stay where they are); when a segment ends, the kiosk is asked for the text of exactly that
 * stretch of its own mic, which it transcribes locally. When the kiosk's model is not ready, cannot do the visit's
 * language, answers with an error or not in time, the segment's audio goes to the server's STT instead: the visit
 * carries on either way.
 */
export class BrowserSttBridge {
  status: KioskSttStatus = { type: "stt-status", state: "off" };
  readonly stats: BrowserSttStats = { requests: 0, browserFinals: 0, fallbacks: 0, timeouts: 0, errors: 0 };
  private readonly timeline = new MicTimeline();
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;
  private closed = false;

  constructor(private readonly o: BrowserSttBridgeOptions) {}

  /** Every mic frame the kiosk sent, with its stamp, before the conversation hears it. */
  onMic(kioskSample: number, length: number): void {
    this.timeline.add(kioskSample, length);
  }

  handle(msg: KioskSttMessage): void {
    if (msg.type === "stt-status") {
      this.status = msg;
      this.o.onStatus?.(msg);
      if (msg.state !== "ready") for (const w of [...this.waiting.values()]) w.failed("unavailable");
      return;
    }
    const w = this.waiting.get(msg.requestId);
    if (!w) return; // cancelled, timed out, or never asked: late answers are dropped
    if (msg.type === "stt-error") w.failed("error");
    else if (msg.final) w.final(msg.text);
    else w.partial(msg.text);
  }

  /** mic samples the kiosk has sent so far */
  get micSamples(): number {
    return this.timeline.end;
  }

  ready(language: Language): boolean {
    const s = this.status;
    return !this.closed && s.state === "ready" && (s.languages ?? ["en", "nl"]).includes(language);
  }

  /** The conversation's STT: the kiosk's Whisper when it can, `fallback` (the server's STT) otherwise. */
  stt(fallback: Stt): Stt {
    return {
      info: { id: `stt/browser-whisper+${fallback.info.id.replace(/^stt\//, "")}`, stage: "stt", languages: ["en", "nl"], local: true },
      capabilities: { streaming: false, partials: true, sampleRate: 16000 },
      open: (opts) => (this.ready(opts.language) ? new KioskSegmentStream(this, fallback, opts) : fallback.open(opts)),
    };
  }

  /** The visit or the connection ended: nothing more is asked, whatever is waiting goes to the server. */
  close(): void {
    this.closed = true;
    for (const w of [...this.waiting.values()]) w.failed("unavailable");
  }

  /** @internal the stamps of the last `samples` received */
  stretch(samples: number): { fromSample: number; toSample: number } | null {
    return this.timeline.lastStretch(samples);
  }

  /** @internal */
  request(stretch: { fromSample: number; toSample: number }, language: Language, w: Waiting): number {
    const requestId = this.nextId++;
    this.waiting.set(requestId, w);
    this.stats.requests++;
    this.o.send({ type: "stt-request", requestId, ...stretch, language });
    return requestId;
  }

  /** @internal the request is settled; `cancel` also tells the kiosk to drop it */
  forget(requestId: number, cancel: boolean): void {
    if (!this.waiting.delete(requestId)) return;
    if (cancel && !this.closed) this.o.send({ type: "stt-cancel", requestId });
  }

  /** @internal */
  get timeoutMs(): number {
    return this.o.timeoutMs;
  }
}

/** One segment: its audio is kept until the kiosk's text arrives, so the server's STT can take over at any point. */
class KioskSegmentStream implements SttStream {
  readonly events = new AsyncQueue<SttEvent>();
  private chunks: Int16Array[] = [];
  private pushed = 0;
  private ended = false;
  private settled = false;
  private requestId: number | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly bridge: BrowserSttBridge,
    private readonly fallback: Stt,
    private readonly opts: SttStreamOptions,
  ) {
    opts.signal.addEventListener("abort", () => this.abort(), { once: true });
  }

  push(pcm: Int16Array): void {
    if (this.ended || this.settled) return;
    this.chunks.push(pcm.slice());
    this.pushed += pcm.length;
  }

  end(): void {
    if (this.ended || this.settled) return;
    this.ended = true;
    const stretch = this.bridge.stretch(this.pushed);
    if (!stretch || !this.bridge.ready(this.opts.language)) return this.toServer();
    this.requestId = this.bridge.request(stretch, this.opts.language, {
      partial: (text) => this.events.push({ type: "partial", text }),
      final: (text) => this.finish(text),
      failed: (reason) => {
        if (reason === "timeout") this.bridge.stats.timeouts++;
        else if (reason === "error") this.bridge.stats.errors++;
        this.toServer(reason === "timeout");
      },
    });
    this.timer = setTimeout(() => {
      this.bridge.stats.timeouts++;
      this.toServer(true);
    }, this.bridge.timeoutMs);
    this.timer.unref?.();
  }

  private finish(text: string): void {
    if (this.settled) return;
    this.settle(false);
    this.bridge.stats.browserFinals++;
    this.events.push({ type: "final", text: text.trim() });
    this.events.close();
  }

  /** The server's STT hears the segment from its kept audio, and its events become this stream's. */
  private toServer(cancelKiosk = false): void {
    if (this.settled) return;
    const chunks = this.chunks;
    this.chunks = [];
    this.settle(cancelKiosk);
    this.bridge.stats.fallbacks++;
    const stream = this.fallback.open(this.opts);
    for (const c of chunks) {
      stream.push(c);
      c.fill(0);
    }
    stream.end();
    void (async () => {
      try {
        for await (const ev of stream.events) this.events.push(ev);
        this.events.close();
      } catch (err) {
        this.events.fail(err);
      }
    })();
  }

  private abort(): void {
    if (this.settled) return;
    this.settle(true);
    this.events.close();
  }

  private settle(cancelKiosk: boolean): void {
    this.settled = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.requestId !== null) this.bridge.forget(this.requestId, cancelKiosk);
    for (const c of this.chunks) c.fill(0);
    this.chunks = [];
  }
}
