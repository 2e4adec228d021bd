import { WebSocket } from "ws";
import { BinaryKind, encodeBinary, int16ToBytes, MIC_FRAME_SAMPLES, parseServerMessage, type ClientMessage, type ServerMessage } from "@mirror/protocol";

/** The guide's face layout (what the kiosk sends when no detector ran). */
export const GUIDE_FACE = { mouth: { x: 0.5, y: 0.73 }, mouthWidth: 0.28, eyes: { y: 0.45, left: 0.36, right: 0.64 } } as const;

/**
 * A scripted kiosk over a real WebSocket: what tests, the fault suite and the soak use to be a visitor.
 * Records every server message; `next` waits for one that matches.
 */
export class KioskClient {
  readonly messages: ServerMessage[] = [];
  readonly binaryFrames: number[] = [];
  closeCode: number | null = null;
  private waiters: Array<() => void> = [];

  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data, isBinary) => {
      if (isBinary) this.binaryFrames.push((data as Buffer).byteLength);
      else {
        const m = parseServerMessage(data.toString());
        if (m) this.messages.push(m);
      }
      this.wake();
    });
    ws.on("close", (code) => {
      this.closeCode = code;
      this.wake();
    });
  }

  static async connect(url: string, headers: Record<string, string> = {}): Promise<KioskClient> {
    const ws = new WebSocket(url.replace(/^http/, "ws") + "/ws", { headers });
    const client = new KioskClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
      ws.once("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
    return client;
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  send(msg: ClientMessage | Record<string, unknown>): void {
    this.ws.send(JSON.stringify(msg));
  }

  sendRaw(data: string | Uint8Array): void {
    this.ws.send(data);
  }

  sendBinary(kind: (typeof BinaryKind)[keyof typeof BinaryKind], payload: Uint8Array): void {
    this.ws.send(encodeBinary(kind, payload));
  }

  /** Streams PCM as 20 ms microphone frames, `speed` times faster than real time (Infinity: all at once). */
  async speak(pcm: Int16Array, speed = 1): Promise<void> {
    const t0 = performance.now();
    for (let i = 0, n = 0; i < pcm.length; i += MIC_FRAME_SAMPLES, n++) {
      const frame = new Int16Array(MIC_FRAME_SAMPLES);
      frame.set(pcm.subarray(i, i + MIC_FRAME_SAMPLES));
      if (this.ws.readyState !== WebSocket.OPEN) return;
      this.sendBinary(BinaryKind.mic, int16ToBytes(frame));
      if (Number.isFinite(speed)) {
        const due = t0 + ((n + 1) * 20) / speed;
        await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
      }
    }
  }

  /** Resolves with the first message (from index `from`) matching, or rejects after `timeoutMs`. */
  async next<T extends ServerMessage["type"]>(
    type: T,
    opts: { timeoutMs?: number; from?: number; where?: (m: Extract<ServerMessage, { type: T }>) => boolean } = {},
  ): Promise<Extract<ServerMessage, { type: T }>> {
    const deadline = performance.now() + (opts.timeoutMs ?? 10_000);
    for (;;) {
      for (let i = opts.from ?? 0; i < this.messages.length; i++) {
        const m = this.messages[i];
        if (m?.type === type && (!opts.where || opts.where(m as Extract<ServerMessage, { type: T }>))) return m as Extract<ServerMessage, { type: T }>;
      }
      const left = deadline - performance.now();
      if (left <= 0 || this.closeCode !== null) throw new Error(`no "${type}" message (got: ${this.messages.map((m) => m.type).join(", ")}; closed ${this.closeCode})`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** consent → photo → voice sample → clone → conversation; resolves when the conversation has started. */
  async startVisit(photo: Uint8Array, sample: Int16Array, mime: "image/png" | "image/jpeg" = "image/png", timeoutMs = 30_000): Promise<string> {
    const visit = await this.next("visit", { from: this.lastIndexOf("visit") });
    this.send({ type: "consent", accepted: true, language: "en" });
    this.send({ type: "photo-meta", mime, face: GUIDE_FACE });
    this.sendBinary(BinaryKind.photo, photo);
    this.sendBinary(BinaryKind.voiceSample, int16ToBytes(sample));
    await this.next("clone-ready", { timeoutMs });
    this.send({ type: "start-conversation" });
    await this.next("phase", { where: (m) => m.phase === "conversation", timeoutMs });
    return visit.visitId;
  }

  /** index of the newest message of a type (0 when none yet), to wait for the next one after it */
  lastIndexOf(type: ServerMessage["type"]): number {
    for (let i = this.messages.length - 1; i >= 0; i--) if (this.messages[i]?.type === type) return i;
    return 0;
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    const closed = new Promise<void>((r) => this.ws.once("close", () => r()));
    this.ws.close();
    await closed;
  }
}
