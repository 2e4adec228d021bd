import {
  decodeBinary,
  encodeBinary,
  parseServerMessage,
  type BinaryFrame,
  type BinaryKind,
  type ClientMessage,
  type ServerMessage,
} from "@mirror/protocol";

export interface SocketHandlers {
  onOpen(): void;
  onClose(): void;
  onMessage(m: ServerMessage): void;
  onBinary(f: BinaryFrame): void;
  onInvalid(what: string): void;
}

const BACKOFF_MS = [500, 1000, 2000, 4000, 8000];

/** The kiosk's WebSocket to `/ws`: typed messages, and reconnects with backoff when it drops. */
export class KioskSocket {
  private ws: WebSocket | null = null;
  private attempt = 0;

  constructor(
    private readonly url: string,
    private readonly handlers: SocketHandlers,
  ) {}

  /** `/?booth=b1` connects as booth b1: one visit per booth, kept by the server across a network blip. */
  static urlFor(loc: Location): string {
    const booth = new URLSearchParams(loc.search).get("booth");
    return `${loc.protocol === "https:" ? "wss" : "ws"}://${loc.host}/ws${booth ? `?booth=${encodeURIComponent(booth)}` : ""}`;
  }

  get connected(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  /** Bytes queued but not yet sent; the mic stream skips frames when this grows (a stalled link). */
  get buffered(): number {
    return this.ws?.bufferedAmount ?? 0;
  }

  connect(): void {
    const ws = new WebSocket(this.url);
    ws.binaryType = "arraybuffer";
    this.ws = ws;
    ws.onopen = () => {
      this.attempt = 0;
      this.handlers.onOpen();
    };
    ws.onmessage = (e: MessageEvent<string | ArrayBuffer>) => this.receive(e.data);
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.handlers.onClose();
      this.scheduleReconnect();
    };
    ws.onerror = () => ws.close();
  }

  send(m: ClientMessage): boolean {
    if (!this.connected) return false;
    this.ws?.send(JSON.stringify(m));
    return true;
  }

  sendBinary(kind: BinaryKind, payload: Uint8Array, turnId = 0, sample = 0): boolean {
    if (!this.connected) return false;
    this.ws?.send(encodeBinary(kind, payload, turnId, sample));
    return true;
  }

  private scheduleReconnect(): void {
    const delay = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)] ?? 8000;
    this.attempt++;
    // jitter so a room of kiosks does not reconnect in lockstep after a server restart
    window.setTimeout(() => this.connect(), delay * (0.8 + 0.4 * Math.random()));
  }

  private receive(data: string | ArrayBuffer): void {
    if (typeof data === "string") {
      const m = parseServerMessage(data);
      if (m) this.handlers.onMessage(m);
      else this.handlers.onInvalid("unreadable message");
      return;
    }
    const f = decodeBinary(new Uint8Array(data));
    if (f) this.handlers.onBinary(f);
    else this.handlers.onInvalid("unreadable binary frame");
  }
}
