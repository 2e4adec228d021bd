/**
 * A fake of Mirror's F5 sidecar (protocol in stages/tts/f5/sidecar-protocol.ts, real server in
 * stages/tts/f5/sidecar/f5_sidecar.py): voices registered per visit, speech streamed as chunked
 * float32 LE at 24 kHz, generation stopped when the client goes away. Run it as a process with
 * `tsx f5-sidecar-fake.ts --port N` to test Mirror's supervision.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { decodeWav } from "../../audio/wav.js";
import { encodeF5Audio } from "../../stages/tts/f5/socket-protocol.js";
import { fakeSpeech, sleep } from "./fake-speech.js";
import { readBody, sendJson } from "./http-util.js";

export interface F5SidecarFakeOptions {
  firstChunkDelayMs?: number;
  chunkDelayMs?: number;
}

export interface F5SidecarFake {
  url: string;
  voices: Map<string, { refText: string; seconds: number }>;
  deleted: string[];
  firstChunkAt: number[];
  /** performance.now() when a client's connection closed mid-reply */
  hangups: number[];
  options: F5SidecarFakeOptions;
  close(): Promise<void>;
}

export async function startF5SidecarFake(options: F5SidecarFakeOptions = {}, port = 0): Promise<F5SidecarFake> {
  const fake: F5SidecarFake = { url: "", voices: new Map(), deleted: [], firstChunkAt: [], hangups: [], options, close: async () => undefined };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (req.method === "GET" && path === "/health") {
      return sendJson(res, 200, { ok: true, protocol: 1, sample_rate: 24000, model: "fake-F5TTS_v1_Base", voices: fake.voices.size });
    }
    if (req.method === "POST" && path === "/voices") {
      const body = JSON.parse((await readBody(req)).toString("utf8")) as { ref_audio_b64?: string; ref_text?: string };
      if (typeof body.ref_audio_b64 !== "string" || typeof body.ref_text !== "string") return sendJson(res, 400, { error: "ref_audio_b64 and ref_text required" });
      let seconds: number;
      try {
        const wav = decodeWav(Buffer.from(body.ref_audio_b64, "base64"));
        seconds = wav.pcm.length / wav.sampleRate;
      } catch {
        return sendJson(res, 400, { error: "reference is not a WAV file" });
      }
      const id = randomUUID();
      fake.voices.set(id, { refText: body.ref_text, seconds });
      return sendJson(res, 201, { voice_id: id, ref_seconds: seconds });
    }
    const speak = /^\/voices\/([^/]+)\/speak$/.exec(path);
    if (req.method === "POST" && speak) {
      const id = decodeURIComponent(speak[1] ?? "");
      const body = JSON.parse((await readBody(req)).toString("utf8")) as { text?: string };
      if (!fake.voices.has(id)) return sendJson(res, 404, { error: "unknown voice" });
      if (typeof body.text !== "string") return sendJson(res, 400, { error: "text required" });
      res.writeHead(200, { "content-type": "application/octet-stream", "x-sample-rate": "24000" });
      res.flushHeaders(); // like the real sidecar: headers go out before the model starts
      let gone = false;
      res.on("close", () => {
        gone = !res.writableFinished;
        if (gone) fake.hangups.push(performance.now());
      });
      const pcm = fakeSpeech(body.text, 24_000);
      await sleep(fake.options.firstChunkDelayMs ?? 0);
      for (let i = 0; i < pcm.length; i += 2048) {
        if (gone) return;
        if (i === 0) fake.firstChunkAt.push(performance.now());
        res.write(encodeF5Audio(pcm.subarray(i, i + 2048)));
        await sleep(fake.options.chunkDelayMs ?? 0);
      }
      return void res.end();
    }
    const del = /^\/voices\/([^/]+)$/.exec(path);
    if (req.method === "DELETE" && del) {
      const id = decodeURIComponent(del[1] ?? "");
      fake.voices.delete(id);
      fake.deleted.push(id);
      res.writeHead(204);
      return void res.end();
    }
    sendJson(res, 404, { error: "not found" });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => (res.headersSent ? res.destroy() : sendJson(res, 500, { error: String(err) })));
  });
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", () => r()));
  const addr = server.address();
  fake.url = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`;
  fake.close = async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  };
  return fake;
}

// run as a process: tsx f5-sidecar-fake.ts --port N
if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const port = Number(process.argv[process.argv.indexOf("--port") + 1] ?? 0);
  void startF5SidecarFake({}, port).then((f) => console.log(`fake sidecar on ${f.url}`));
}
