import { BrowserSttConfig, type ClientMessage, type ServerMessageOf } from "@mirror/protocol";
import type { EarsReply, EarsRequest } from "../../ears/messages.js";
import { MicHistory } from "./mic-history.js";

type Status = Extract<ClientMessage, { type: "stt-status" }>;
type Request = ServerMessageOf<"stt-request">;

/** Counts for tests and the bench page (no text, no audio). */
export interface EarsStats {
  state: Status["state"];
  device: string | null;
  loadMs: number | null;
  detail: string | null;
  finals: number;
  errors: number;
  lastDecodeMs: number | null;
}

/**
 * The kiosk's Whisper, as the server sees it: loads the model Mirror serves (`/ears/config.json`) into a worker,
 * reports its state on every (re)connect, and answers the server's requests for stretches of the mic with text.
 * When Mirror has no browser STT configured, it stays off and says nothing.
 */
export class KioskEars {
  readonly history = new MicHistory();
  private status: Status = { type: "stt-status", state: "off" };
  private configured = false;
  private worker: Worker | null = null;
  private readonly queue: Request[] = [];
  private current: Request | null = null;
  private readonly cancelled = new Set<number>();
  readonly stats: EarsStats = { state: "off", device: null, loadMs: null, detail: null, finals: 0, errors: 0, lastDecodeMs: null };

  constructor(
    private readonly workerUrl: string,
    private readonly send: (m: ClientMessage) => boolean,
    private readonly configUrl = "/ears/config.json",
  ) {}

  async start(): Promise<void> {
    if (this.worker || this.configured) return;
    let res: Response;
    try {
      res = await fetch(this.configUrl, { cache: "no-store" });
    } catch {
      return;
    }
    if (res.status === 404) return;
    this.configured = true;
    const parsed = BrowserSttConfig.safeParse(res.ok ? await res.json().catch(() => null) : null);
    if (!parsed.success) return this.setStatus({ type: "stt-status", state: "failed", detail: `unusable ${this.configUrl} (HTTP ${res.status})` });
    const config = parsed.data;
    this.setStatus({ type: "stt-status", state: "loading", model: config.model });
    const worker = new Worker(this.workerUrl, { type: "module" });
    this.worker = worker;
    worker.onmessage = (e: MessageEvent<EarsReply>) => this.fromWorker(e.data, config.model);
    worker.onerror = (e) => this.setStatus({ type: "stt-status", state: "failed", model: config.model, detail: `worker: ${e.message}`.slice(0, 300) });
    this.post({ type: "load", config });
  }

  /** Tells the server (again, after a reconnect) what this kiosk's Whisper is doing. */
  announce(): void {
    if (this.configured) this.send(this.status);
  }

  handle(m: ServerMessageOf<"stt-request" | "stt-cancel">): void {
    if (m.type === "stt-cancel") {
      const i = this.queue.findIndex((r) => r.requestId === m.requestId);
      if (i >= 0) this.queue.splice(i, 1);
      else if (this.current?.requestId === m.requestId) this.cancelled.add(m.requestId); // its answer is dropped
      return;
    }
    this.queue.push(m);
    this.pump();
  }

  /** The visit is over: its audio leaves this page. */
  wipe(): void {
    this.history.wipe();
    this.queue.length = 0;
  }

  private pump(): void {
    if (this.current) return;
    const next = this.queue.shift();
    if (!next) return;
    if (this.status.state !== "ready") return this.fail(next.requestId, `model ${this.status.state}`);
    const pcm = this.history.slice(next.fromSample, next.toSample);
    if (!pcm) return this.fail(next.requestId, "that audio is no longer held here");
    this.current = next;
    this.post({ type: "transcribe", id: next.requestId, pcm, language: next.language }, [pcm.buffer]);
  }

  private fromWorker(m: EarsReply, model: string): void {
    switch (m.type) {
      case "loaded":
        this.stats.device = m.device;
        this.stats.loadMs = Math.round(m.ms);
        return this.setStatus({ type: "stt-status", state: "ready", device: m.device, model, languages: m.languages, loadMs: Math.round(m.ms), ...(m.note ? { detail: m.note } : {}) });
      case "load-failed":
        return this.setStatus({ type: "stt-status", state: "failed", model, detail: m.message });
      case "partial":
        if (!this.cancelled.has(m.id)) this.send({ type: "stt-transcript", requestId: m.id, text: m.text, final: false });
        return;
      case "final":
        this.stats.finals++;
        this.stats.lastDecodeMs = Math.round(m.ms);
        if (!this.cancelled.has(m.id)) this.send({ type: "stt-transcript", requestId: m.id, text: m.text, final: true, decodeMs: Math.round(m.ms) });
        return this.next(m.id);
      case "error":
        this.fail(m.id, m.message);
        return this.next(m.id);
    }
  }

  private next(id: number): void {
    this.cancelled.delete(id);
    if (this.current?.requestId === id) this.current = null;
    this.pump();
  }

  private fail(requestId: number, message: string): void {
    this.stats.errors++;
    if (!this.cancelled.has(requestId)) this.send({ type: "stt-error", requestId, message: message.slice(0, 300) });
    if (!this.current) this.pump();
  }

  private setStatus(s: Status): void {
    this.status = s;
    this.stats.state = s.state;
    this.stats.detail = s.detail ?? null;
    if (s.state !== "ready") for (const r of this.queue.splice(0)) this.fail(r.requestId, `model ${s.state}`);
    this.send(s);
  }

  private post(m: EarsRequest, transfer: Transferable[] = []): void {
    this.worker?.postMessage(m, transfer);
  }
}
