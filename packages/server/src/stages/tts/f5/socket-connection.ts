import { connect, type Socket } from "node:net";
import { AsyncQueue } from "../../../core/async-queue.js";
import { AbortedError, ProviderError } from "../../../core/errors.js";
import { F5ReplyDecoder } from "./socket-protocol.js";

/** The socket server reads one request with recv(1024): stay below it. */
export const F5_SOCKET_MAX_REQUEST_BYTES = 1000;

export interface SocketConnectionOptions {
  host: string;
  port: number;
  connectTimeoutMs: number;
  /** no audio byte for this long during a reply: the server is stuck */
  idleTimeoutMs: number;
  id: string;
}

/**
 * One persistent TCP connection to an F5 socket server (it serves one client at a time), used by
 * one request at a time. Aborting a reply destroys the socket: the server stops at its next send and
 * accepts the next connection; a new one is opened lazily for the next request.
 */
export class F5SocketConnection {
  private socket: Socket | null = null;
  private queue: AsyncQueue<Uint8Array> | null = null;
  private lock: Promise<void> = Promise.resolve();

  constructor(private readonly o: SocketConnectionOptions) {}

  /** Speaks one request (≤ 1000 UTF-8 bytes), yielding the reply's audio as it arrives. */
  async *speak(text: string, signal: AbortSignal): AsyncGenerator<Float32Array> {
    let release!: () => void;
    const previous = this.lock;
    this.lock = new Promise((r) => (release = r));
    try {
      await waitOrAbort(previous, signal);
      const socket = await this.ensureConnected(signal);
      const queue = this.queue;
      if (!queue) throw new ProviderError(this.o.id, "connection lost", { retryable: true });
      const onAbort = () => this.drop(new AbortedError(String(signal.reason ?? "aborted")));
      signal.addEventListener("abort", onAbort, { once: true });
      const decoder = new F5ReplyDecoder();
      let finished = false;
      socket.setTimeout(this.o.idleTimeoutMs, () =>
        this.drop(new ProviderError(this.o.id, `no reply bytes within ${this.o.idleTimeoutMs} ms (timeout)`, { retryable: true })),
      );
      try {
        socket.write(text, "utf8");
        // one iterator per reply, never returned: returning it would close the connection's queue
        const reader = queue[Symbol.asyncIterator]();
        for (;;) {
          const next = await reader.next();
          if (next.done) break;
          const part = decoder.push(next.value);
          if (part.audio.length > 0) yield part.audio;
          if (part.done) {
            finished = true;
            break;
          }
        }
        if (!finished) throw new ProviderError(this.o.id, "server closed the connection mid-reply", { retryable: true });
      } finally {
        signal.removeEventListener("abort", onAbort);
        socket.setTimeout(0);
        // a reply not read to its END leaves bytes in flight: the connection cannot be reused
        if (!finished) this.drop(new AbortedError("reply abandoned"));
      }
    } finally {
      release();
    }
  }

  private ensureConnected(signal: AbortSignal): Promise<Socket> {
    if (this.socket && !this.socket.destroyed) return Promise.resolve(this.socket);
    return new Promise<Socket>((resolve, reject) => {
      const socket = connect({ host: this.o.host, port: this.o.port, noDelay: true });
      const queue = new AsyncQueue<Uint8Array>();
      const timer = setTimeout(() => fail(new ProviderError(this.o.id, `connect timeout to ${this.o.host}:${this.o.port}`, { retryable: true })), this.o.connectTimeoutMs);
      const onAbort = () => fail(new AbortedError(String(signal.reason ?? "aborted")));
      const fail = (err: Error) => {
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
        socket.destroy();
        reject(err);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      socket.once("connect", () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
        this.socket = socket;
        this.queue = queue;
        resolve(socket);
      });
      socket.on("data", (b: Buffer) => queue.push(new Uint8Array(b.buffer, b.byteOffset, b.byteLength)));
      socket.on("error", (err) => {
        if (this.socket !== socket) return fail(new ProviderError(this.o.id, `cannot connect: ${err.message}`, { retryable: true, cause: err }));
        queue.fail(new ProviderError(this.o.id, err.message, { retryable: true, cause: err }));
      });
      socket.on("close", () => {
        queue.close();
        if (this.socket === socket) {
          this.socket = null;
          this.queue = null;
        }
      });
    });
  }

  private drop(reason: Error): void {
    const socket = this.socket;
    const queue = this.queue;
    this.socket = null;
    this.queue = null;
    queue?.fail(reason);
    socket?.destroy();
  }

  close(): void {
    this.drop(new AbortedError("closed"));
  }
}

function waitOrAbort(p: Promise<void>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(new AbortedError(String(signal.reason ?? "aborted")));
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new AbortedError(String(signal.reason ?? "aborted")));
    signal.addEventListener("abort", onAbort, { once: true });
    void p.then(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    });
  });
}
