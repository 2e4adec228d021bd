/**
 * A fake OpenAI-compatible speech server that clones: `POST /v1/audio/speech` (JSON: model, input,
 * voice, response_format "pcm" → 16-bit LE mono 24 kHz streamed, or "wav"), a reference passed
 * inline in `ref_audio` (base64 WAV) + `ref_text`, or uploaded once to `POST /v1/audio/voices`
 * (multipart `file`, `text`) → {voice_id}, deleted by `DELETE /v1/audio/voices/{id}`. `GET /v1/models`.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { decodeWav, encodeWav } from "../../audio/wav.js";
import { float32ToInt16 } from "../../audio/pcm.js";
import { fakeSpeech, sleep } from "./fake-speech.js";
import { readBody, readForm, sendJson } from "./http-util.js";

export interface OpenAiSpeechFake {
  url: string;
  voices: Map<string, { refText: string }>;
  deleted: string[];
  requests: Array<{ voice: string; input: string; inlineReference: boolean }>;
  hangups: number[];
  close(): Promise<void>;
}

export async function startOpenAiSpeechFake(opts: { firstChunkDelayMs?: number; chunkDelayMs?: number } = {}): Promise<OpenAiSpeechFake> {
  const fake: OpenAiSpeechFake = { url: "", voices: new Map(), deleted: [], requests: [], hangups: [], close: async () => undefined };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (req.method === "GET" && path === "/v1/models") return sendJson(res, 200, { object: "list", data: [{ id: "clone-tts", object: "model" }] });
    if (req.method === "POST" && path === "/v1/audio/voices") {
      const form = await readForm(req);
      const file = form.get("file");
      if (!file || typeof file === "string") return sendJson(res, 400, { error: { message: "file required" } });
      decodeWav(new Uint8Array(await file.arrayBuffer()));
      const id = `voice_${randomUUID().slice(0, 8)}`;
      fake.voices.set(id, { refText: String(form.get("text") ?? "") });
      return sendJson(res, 200, { voice_id: id });
    }
    const del = /^\/v1\/audio\/voices\/([^/]+)$/.exec(path);
    if (req.method === "DELETE" && del) {
      fake.voices.delete(del[1] ?? "");
      fake.deleted.push(del[1] ?? "");
      return sendJson(res, 200, { deleted: true });
    }
    if (req.method === "POST" && path === "/v1/audio/speech") {
      const body = JSON.parse((await readBody(req)).toString("utf8")) as Record<string, unknown>;
      const input = body.input;
      const voice = body.voice;
      if (typeof input !== "string" || typeof voice !== "string" || typeof body.model !== "string") {
        return sendJson(res, 400, { error: { message: "model, input and voice are required" } });
      }
      const inline = typeof body.ref_audio === "string";
      if (inline) decodeWav(Buffer.from(body.ref_audio as string, "base64"));
      else if (!fake.voices.has(voice)) return sendJson(res, 400, { error: { message: `unknown voice ${voice}` } });
      fake.requests.push({ voice, input, inlineReference: inline });
      const pcm = fakeSpeech(input, 24_000);
      if (body.response_format === "wav") {
        const wav = encodeWav(pcm, 24_000);
        res.writeHead(200, { "content-type": "audio/wav", "content-length": wav.length });
        return void res.end(wav);
      }
      res.writeHead(200, { "content-type": "audio/pcm" });
      let gone = false;
      res.on("close", () => (gone = !res.writableFinished));
      await sleep(opts.firstChunkDelayMs ?? 0);
      const s16 = float32ToInt16(pcm);
      for (let i = 0; i < s16.length; i += 4800) {
        if (gone) return void fake.hangups.push(performance.now());
        const part = s16.subarray(i, i + 4800);
        res.write(Buffer.from(part.buffer, part.byteOffset, part.byteLength));
        await sleep(opts.chunkDelayMs ?? 0);
      }
      return void res.end();
    }
    sendJson(res, 404, { error: { message: "not found" } });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => (res.headersSent ? res.destroy() : sendJson(res, 400, { error: { message: String(err) } })));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const addr = server.address();
  fake.url = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}/v1`;
  fake.close = async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  };
  return fake;
}
