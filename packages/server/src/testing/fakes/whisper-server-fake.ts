/**
 * A fake OpenAI-compatible transcription server, as faster-whisper-server, whisper.cpp's server and OpenAI speak it:
 * `POST /v1/audio/transcriptions` (multipart: `file`, `model`, optional `language`, `prompt`, `response_format`
 * json | text | verbose_json) → `{ text }` (or plain text), errors as `{ error: { message, type } }`, `GET /v1/models`.
 * It really listens: the audio is decoded from the uploaded WAV and recognized by the embedded PocketSphinx, then
 * written the way Whisper writes (capital, final period), so the STT contract's WER bounds mean something.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { MIC_SAMPLE_RATE } from "@mirror/protocol";
import { float32ToInt16, resample } from "../../audio/pcm.js";
import { decodeWav } from "../../audio/wav.js";
import { transcribe, type Stt } from "../../core/contracts/stt.js";
import { readForm, sendJson } from "./http-util.js";

export interface WhisperFakeRequest {
  model: string;
  language: string | null;
  prompt: string | null;
  responseFormat: string;
  seconds: number;
}

export interface WhisperServerFake {
  url: string;
  requests: WhisperFakeRequest[];
  /** answer the next requests with this HTTP status (an overloaded or broken server) */
  failWith: number | null;
  /** hold every answer this long (ms), e.g. to abort a request in flight */
  delayMs: number;
  close(): Promise<void>;
}

const FORMATS = new Set(["json", "text", "verbose_json"]);

export async function startWhisperServerFake(recognizer: Stt, opts: { models?: string[] } = {}): Promise<WhisperServerFake> {
  const models = opts.models ?? ["whisper-1"];
  const fake: WhisperServerFake = { url: "", requests: [], failWith: null, delayMs: 0, close: async () => undefined };
  const invalid = (res: ServerResponse, message: string) => sendJson(res, 400, { error: { message, type: "invalid_request_error", param: null, code: null } });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (req.method === "GET" && path === "/v1/models") return sendJson(res, 200, { object: "list", data: models.map((id) => ({ id, object: "model", owned_by: "fake" })) });
    if (req.method !== "POST" || path !== "/v1/audio/transcriptions") return sendJson(res, 404, { error: { message: `no route ${req.method} ${path}`, type: "invalid_request_error" } });
    if (!(req.headers["content-type"] ?? "").startsWith("multipart/form-data")) return invalid(res, "expected multipart/form-data");
    const form = await readForm(req);
    const file = form.get("file");
    const model = form.get("model");
    const responseFormat = String(form.get("response_format") ?? "json");
    if (!file || typeof file === "string") return invalid(res, "file is required");
    if (typeof model !== "string" || !model) return invalid(res, "model is required");
    if (!models.includes(model)) return sendJson(res, 404, { error: { message: `model ${model} not found`, type: "invalid_request_error" } });
    if (!FORMATS.has(responseFormat)) return invalid(res, `response_format ${responseFormat} not supported`);
    const language = form.get("language");
    if (language !== null && (typeof language !== "string" || !/^[a-z]{2}$/.test(language))) return invalid(res, "language must be ISO-639-1");
    let wav;
    try {
      wav = decodeWav(new Uint8Array(await file.arrayBuffer()));
    } catch {
      return invalid(res, "could not decode the audio file");
    }
    const prompt = form.get("prompt");
    fake.requests.push({ model, language, prompt: typeof prompt === "string" ? prompt : null, responseFormat, seconds: wav.pcm.length / wav.sampleRate });
    if (fake.delayMs) await new Promise((r) => setTimeout(r, fake.delayMs));
    if (fake.failWith !== null) return sendJson(res, fake.failWith, { error: { message: "the server is overloaded", type: "server_error" } });
    const pcm = float32ToInt16(resample(wav.pcm, wav.sampleRate, MIC_SAMPLE_RATE));
    // the embedded recognizer only knows English: the requested language is recorded, not honoured
    const heard = await transcribe(recognizer, pcm, { language: "en", signal: AbortSignal.timeout(30_000) });
    const text = heard ? `${heard[0]!.toUpperCase()}${heard.slice(1)}.` : "";
    if (responseFormat === "text") {
      res.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
      return void res.end(`${text}\n`);
    }
    if (responseFormat === "verbose_json") return sendJson(res, 200, { task: "transcribe", language: language ?? "english", duration: wav.pcm.length / wav.sampleRate, text, segments: [] });
    return sendJson(res, 200, { text });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: { message: String((err as Error).message ?? err), type: "server_error" } });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const addr = server.address();
  if (!addr || typeof addr === "string") throw new Error("no port");
  fake.url = `http://127.0.0.1:${addr.port}/v1`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return fake;
}
