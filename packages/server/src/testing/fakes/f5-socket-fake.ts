/**
 * A faithful fake of F5-TTS's socket_server.py: TCP, one client at a time (others wait in the
 * backlog), each `recv(1024)` is one request, the reply is float32 LE 24 kHz in chunks of up to 2048
 * samples sent one by one, then `END`. How `END` travels is configurable, to pin the edge cases:
 * in its own write, glued to the last audio bytes, split over two writes, or after audio that ends
 * mid-float at a TCP write boundary.
 */
import { createServer, type Socket } from "node:net";
import { encodeF5Audio } from "../../stages/tts/f5/socket-protocol.js";
import { fakeSpeech, sleep } from "./fake-speech.js";

export type EndMode = "separate" | "glued" | "split" | "ragged";

export interface F5SocketFakeOptions {
  /** from request to first chunk (reference: a few hundred ms on an RTX 4090) */
  firstChunkDelayMs?: number;
  /** between chunks (2048 samples = 85 ms of audio) */
  chunkDelayMs?: number;
  endMode?: EndMode;
  /** close the connection after this many chunks of the next reply (a crash mid-reply) */
  crashAfterChunks?: number;
}

export interface F5SocketFake {
  host: string;
  port: number;
  requests: string[];
  connections: number;
  /** performance.now() when each reply's first chunk was written */
  firstChunkAt: number[];
  /** performance.now() when a client's connection closed while a reply was being sent */
  hangupsDuringReply: number[];
  options: F5SocketFakeOptions;
  close(): Promise<void>;
}

export async function startF5SocketFake(options: F5SocketFakeOptions = {}): Promise<F5SocketFake> {
  const queue: Socket[] = [];
  let busy = false;
  const fake: F5SocketFake = {
    host: "127.0.0.1",
    port: 0,
    requests: [],
    connections: 0,
    firstChunkAt: [],
    hangupsDuringReply: [],
    options,
    close: async () => {
      for (const s of queue) s.destroy();
      current?.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  let current: Socket | null = null;

  const serveNext = (): void => {
    if (busy) return;
    const conn = queue.shift();
    if (!conn) return;
    busy = true;
    current = conn;
    fake.connections++;
    void handle(conn).finally(() => {
      busy = false;
      current = null;
      serveNext();
    });
  };

  const handle = async (conn: Socket): Promise<void> => {
    conn.setNoDelay(true);
    let gone = false;
    let replying = false;
    conn.on("close", () => {
      gone = true;
      if (replying) fake.hangupsDuringReply.push(performance.now());
    });
    conn.on("error", () => (gone = true));
    const pending: Buffer[] = [];
    let wake: (() => void) | null = null;
    conn.on("data", (b: Buffer) => {
      // recv(1024): a longer write is read as several requests
      for (let i = 0; i < b.length; i += 1024) pending.push(b.subarray(i, i + 1024));
      wake?.();
    });
    conn.on("close", () => wake?.());
    for (;;) {
      while (pending.length === 0 && !gone) await new Promise<void>((r) => (wake = r));
      const req = pending.shift();
      if (!req) return;
      const text = req.toString("utf8").trim();
      fake.requests.push(text);
      replying = true;
      const ok = await reply(conn, text, () => gone);
      replying = false;
      if (!ok) {
        conn.destroy(); // socket_server.py: the send fails, handle_client ends, the next client is accepted
        return;
      }
    }
  };

  const reply = async (conn: Socket, text: string, gone: () => boolean): Promise<boolean> => {
    const o = fake.options;
    const pcm = fakeSpeech(text, 24_000);
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < pcm.length; i += 2048) chunks.push(encodeF5Audio(pcm.subarray(i, i + 2048)));
    await sleep(o.firstChunkDelayMs ?? 0);
    for (const [i, bytes] of chunks.entries()) {
      if (gone()) return false;
      if (o.crashAfterChunks !== undefined && i >= o.crashAfterChunks) {
        o.crashAfterChunks = undefined;
        conn.destroy();
        return true;
      }
      const last = i === chunks.length - 1;
      const mode = o.endMode ?? "separate";
      if (i === 0) fake.firstChunkAt.push(performance.now());
      if (last && mode === "glued") conn.write(Buffer.concat([bytes, Buffer.from("END")]));
      else if (last && mode === "ragged") {
        // the last float split over two writes, END glued to its second half
        conn.write(bytes.subarray(0, bytes.length - 1));
        await sleep(2);
        conn.write(Buffer.concat([bytes.subarray(bytes.length - 1), Buffer.from("END")]));
      } else conn.write(bytes);
      if (!last) await sleep(o.chunkDelayMs ?? 0);
    }
    if (gone()) return false;
    const mode = o.endMode ?? "separate";
    if (mode === "separate" || chunks.length === 0) conn.write("END");
    else if (mode === "split") {
      conn.write("E");
      await sleep(2);
      conn.write("ND");
    }
    return true;
  };

  const server = createServer((conn) => {
    queue.push(conn);
    conn.on("close", () => {
      const i = queue.indexOf(conn);
      if (i >= 0) queue.splice(i, 1);
    });
    serveNext();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const addr = server.address();
  fake.port = typeof addr === "object" && addr ? addr.port : 0;
  return fake;
}
