/**
 * Live Link sink: streams the double's face to Unreal as Live Link Face UDP packets, 60 a second, on the audio
 * clock. The sending runs in its own thread (sender-worker.ts); this side only forwards the turn's events.
 * One sink serves every visit of the process: turns are told apart by their turn-start.
 */
import type { Worker } from "node:worker_threads";
import { LIP_FPS, OUTPUT_SAMPLE_RATE } from "@mirror/protocol";
import type { StageInfo } from "../../core/contracts/common.js";
import type { OutputEvent, Sink } from "../../core/contracts/sink.js";
import { LIVELINK_DEFAULT_PORT } from "./packet.js";
import { startModuleWorker } from "./ts-worker.js";
import { wallMs, type FromSender, type LiveLinkStats, type SenderConfig, type ToSender } from "./messages.js";

export interface LiveLinkOptions {
  host: string;
  port?: number;
  /** Live Link subject name Unreal shows (keep it short) */
  subject?: string;
  deviceId?: string;
  /** ms between the moment audio starts playing (as Mirror knows it) and Unreal's viewer hearing it */
  audioOffsetMs?: number;
  /** playback speed of the audio (1 = real time) */
  rate?: number;
  /** SCHED_FIFO priority for the sender thread where the OS permits it (default 10; 0 = never real-time) */
  realtimePriority?: number;
}

/** "host:port" (or "[v6]:port", or a bare host) → host and port. */
export function parseHostPort(s: string, defaultPort: number): { host: string; port: number } {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(s) ?? /^([^:]+)(?::(\d+))?$/.exec(s);
  if (!m?.[1]) throw new Error(`not host:port: ${s}`);
  const port = m[2] ? Number(m[2]) : defaultPort;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`bad port in ${s}`);
  return { host: m[1], port };
}

export class LiveLinkSink implements Sink {
  readonly info: StageInfo = { id: "sink/livelink", stage: "sink", languages: "any", local: false };
  private worker: Worker | null = null;
  private ready: Promise<void> | null = null;
  private readonly audioSeen = new Set<number>();
  private readonly pending = new Map<number, (s: LiveLinkStats) => void>();
  private nextId = 0;
  private readonly config: SenderConfig;
  private lastError: string | null = null;

  constructor(o: LiveLinkOptions) {
    this.config = {
      host: o.host,
      port: o.port ?? LIVELINK_DEFAULT_PORT,
      subject: o.subject ?? "Mirror",
      deviceId: o.deviceId ?? "mirror",
      fps: LIP_FPS,
      sampleRate: OUTPUT_SAMPLE_RATE,
      audioOffsetMs: o.audioOffsetMs ?? 0,
      rate: o.rate ?? 1,
      realtimePriority: o.realtimePriority ?? 10,
    };
  }

  get target(): string {
    return `${this.config.host}:${this.config.port}`;
  }

  /** Starts the sender thread (the neutral face streams from then on). */
  warmup(): Promise<void> {
    this.ready ??= new Promise<void>((resolve, reject) => {
      const w = startModuleWorker(import.meta.url, "sender-worker", this.config);
      this.worker = w;
      w.on("message", (m: FromSender) => {
        if (m.type === "ready") resolve();
        else if (m.type === "error") this.lastError = m.message;
        else if (m.type === "stats") {
          this.pending.get(m.id)?.(m.stats);
          this.pending.delete(m.id);
        }
      });
      w.once("error", (err) => {
        this.lastError = err.message;
        reject(err);
      });
      w.unref();
    });
    return this.ready;
  }

  write(ev: OutputEvent): void {
    if (!this.worker) void this.warmup().catch(() => undefined);
    switch (ev.type) {
      case "turn-start":
        this.audioSeen.delete(ev.turnId);
        return this.post({ type: "turn-start", turnId: ev.turnId });
      case "audio":
        if (this.audioSeen.has(ev.turnId)) return;
        this.audioSeen.add(ev.turnId);
        return this.post({ type: "audio", turnId: ev.turnId, at: wallMs() });
      case "frames":
        return this.post({ type: "frames", turnId: ev.turnId, frames: ev.frames.map((f) => ({ sample: f.sample, weights: f.weights, rotations: f.rotations })) });
      case "turn-end":
        return this.post({ type: "turn-end", turnId: ev.turnId, totalSamples: ev.totalSamples });
      case "interrupt":
        return this.post({ type: "interrupt", turnId: ev.turnId, at: wallMs() });
      case "pause":
        return this.post({ type: "pause", turnId: ev.turnId, at: wallMs() });
      case "resume":
        return this.post({ type: "resume", turnId: ev.turnId, at: wallMs() });
      case "text":
        return;
    }
  }

  /** The kiosk reported when it started playing a turn: the face follows that moment from now on. */
  playbackStarted(turnId: number, atWallMs: number): void {
    this.post({ type: "playback", turnId, at: atWallMs });
  }

  async stats(): Promise<LiveLinkStats> {
    await this.warmup();
    const id = this.nextId++;
    // the thread is unref'd so it never holds the process open; while waiting for its answer, it must
    this.worker?.ref();
    return new Promise<LiveLinkStats>((resolve) => {
      this.pending.set(id, resolve);
      this.post({ type: "stats", id });
    }).finally(() => this.worker?.unref());
  }

  async health(): Promise<{ ok: boolean; detail: string }> {
    return this.lastError ? { ok: false, detail: this.lastError } : { ok: this.worker !== null, detail: `sending to ${this.target}` };
  }

  async close(): Promise<void> {
    const w = this.worker;
    if (!w) return;
    this.worker = null;
    await new Promise<void>((resolve) => {
      const done = setTimeout(resolve, 500);
      w.on("message", (m: FromSender) => {
        if (m.type === "closed") {
          clearTimeout(done);
          resolve();
        }
      });
      w.postMessage({ type: "close" } satisfies ToSender);
    });
    await w.terminate();
  }

  private post(m: ToSender): void {
    this.worker?.postMessage(m);
  }
}
