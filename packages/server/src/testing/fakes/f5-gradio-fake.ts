/**
 * A fake of the F5-TTS Gradio app (`f5-tts_infer-gradio`, Gradio 5 with api_prefix /gradio_api),
 * complete enough for the official @gradio/client: /config, /gradio_api/info, /gradio_api/upload,
 * the sse_v3 queue (/gradio_api/queue/join + /gradio_api/queue/data), /gradio_api/cancel and
 * /gradio_api/reset, files at /gradio_api/file=…, and the raw REST API
 * (/gradio_api/call/basic_tts + its SSE stream). `/basic_tts` validates its nine inputs like the app
 * (ref_audio must be an uploaded file) and answers [audio file, spectrogram, ref_text, seed].
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { encodeWav } from "../../audio/wav.js";
import { fakeSpeech, sleep } from "./fake-speech.js";
import { readBody, readForm, sendJson } from "./http-util.js";

export interface F5GradioFakeOptions {
  /** queue + inference time for one call (reference: ~1-2 s on an RTX 4090, ~10 s on a hosted Space) */
  inferenceMs?: number;
  /** fail the next N calls with an app error */
  failNext?: number;
}

export interface F5GradioFake {
  url: string;
  uploads: Map<string, Buffer>;
  calls: Array<{ refPath: string; refText: string; genText: string; nfe: number; speed: number }>;
  /** performance.now() of each /cancel, with the event it cancelled */
  cancels: Array<{ at: number; eventId: string }>;
  /** performance.now() when each result was announced */
  completedAt: number[];
  /** performance.now() when each generated audio file started to be served */
  fileSentAt: number[];
  options: F5GradioFakeOptions;
  close(): Promise<void>;
}

const INPUTS = ["ref_audio_input", "ref_text_input", "gen_text_input", "remove_silence", "randomize_seed", "seed_input", "cross_fade_duration_slider", "nfe_slider", "speed_slider"];

export async function startF5GradioFake(options: F5GradioFakeOptions = {}): Promise<F5GradioFake> {
  const files = new Map<string, Buffer>();
  const sessions = new Map<string, { res: ServerResponse | null; backlog: string[]; pending: Set<string> }>();
  const jobs = new Map<string, { cancelled: boolean; sse: string[] }>();
  let root = "";
  const fake: F5GradioFake = { url: "", uploads: files, calls: [], cancels: [], completedAt: [], fileSentAt: [], options, close: async () => undefined };

  const session = (hash: string) => {
    let s = sessions.get(hash);
    if (!s) sessions.set(hash, (s = { res: null, backlog: [], pending: new Set() }));
    return s;
  };
  const emit = (hash: string, msg: Record<string, unknown>) => {
    const s = session(hash);
    const line = `data: ${JSON.stringify(msg)}\n\n`;
    if (s.res) s.res.write(line);
    else s.backlog.push(line);
    if (msg.msg === "process_completed" && typeof msg.event_id === "string") {
      s.pending.delete(msg.event_id);
      if (s.pending.size === 0 && s.res) {
        s.res.end(`data: ${JSON.stringify({ msg: "close_stream", event_id: null })}\n\n`);
        s.res = null;
      }
    }
  };

  /** Runs basic_tts; returns the output list, or throws the app's error message. */
  const basicTts = async (data: unknown[], job: { cancelled: boolean }, here: string): Promise<unknown[]> => {
    if (data.length !== INPUTS.length) throw new Error(`basic_tts takes ${INPUTS.length} inputs, got ${data.length}`);
    const [ref, refText, genText, removeSilence, randomize, seed, crossFade, nfe, speed] = data;
    const refPath = (ref as { path?: unknown } | null)?.path;
    if (typeof refPath !== "string" || !files.has(refPath)) throw new Error("Please provide reference audio.");
    if (typeof refText !== "string" || typeof genText !== "string" || genText.trim() === "") throw new Error("Please enter text to generate.");
    if (typeof removeSilence !== "boolean" || typeof randomize !== "boolean" || typeof seed !== "number") throw new Error("bad flags");
    if (typeof crossFade !== "number" || typeof nfe !== "number" || typeof speed !== "number") throw new Error("bad sliders");
    fake.calls.push({ refPath, refText, genText, nfe, speed });
    await sleep(fake.options.inferenceMs ?? 0);
    if (job.cancelled) throw new Error("cancelled");
    if ((fake.options.failNext ?? 0) > 0) {
      fake.options.failNext = (fake.options.failNext ?? 1) - 1;
      throw new Error("CUDA out of memory");
    }
    const path = `/tmp/gradio/${randomUUID()}/audio.wav`;
    files.set(path, Buffer.from(encodeWav(fakeSpeech(genText, 24_000), 24_000)));
    const audio = { path, url: `${here}/gradio_api/file=${path}`, size: files.get(path)?.length, orig_name: "audio.wav", mime_type: "audio/wav", is_stream: false, meta: { _type: "gradio.FileData" } };
    return [audio, null, refText, seed];
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // like Gradio, the root is the address the client used (so a client behind a proxy stays behind it)
    const here = req.headers.host ? `http://${req.headers.host}` : root;
    const url = new URL(req.url ?? "/", here);
    const path = url.pathname;
    if (req.method === "GET" && (path === "/config" || path === "/gradio_api/config")) return sendJson(res, 200, config(here));
    if (req.method === "GET" && path === "/gradio_api/info") return sendJson(res, 200, apiInfo());
    if (req.method === "POST" && path === "/gradio_api/upload") {
      const form = await readForm(req);
      const out: string[] = [];
      for (const f of form.getAll("files")) {
        if (typeof f === "string") continue;
        const p = `/tmp/gradio/${randomUUID()}/${f.name || "blob"}`;
        files.set(p, Buffer.from(await f.arrayBuffer()));
        out.push(p);
      }
      return sendJson(res, 200, out);
    }
    if (req.method === "GET" && path.startsWith("/gradio_api/file=")) {
      const file = files.get(decodeURIComponent(path.slice("/gradio_api/file=".length)));
      if (!file) return sendJson(res, 404, { detail: "File not found" });
      if (path.endsWith("/audio.wav")) fake.fileSentAt.push(performance.now());
      res.writeHead(200, { "content-type": "audio/wav", "content-length": file.length });
      return void res.end(file);
    }
    if (req.method === "POST" && path === "/gradio_api/queue/join") {
      const body = JSON.parse((await readBody(req)).toString("utf8")) as { data: unknown[]; fn_index: number; session_hash: string };
      if (body.fn_index !== 0) return sendJson(res, 422, { detail: "unknown fn_index" });
      const eventId = randomUUID().replace(/-/g, "");
      const job = { cancelled: false, sse: [] };
      jobs.set(eventId, job);
      session(body.session_hash).pending.add(eventId);
      sendJson(res, 200, { event_id: eventId });
      emit(body.session_hash, { msg: "estimation", event_id: eventId, rank: 0, queue_size: 1, rank_eta: null });
      emit(body.session_hash, { msg: "process_starts", event_id: eventId, eta: null });
      try {
        const output = await basicTts(body.data, job, here);
        fake.completedAt.push(performance.now());
        emit(body.session_hash, { msg: "process_completed", event_id: eventId, output: { data: output, is_generating: false, duration: 0.1, average_duration: 0.1 }, success: true });
      } catch (err) {
        emit(body.session_hash, { msg: "process_completed", event_id: eventId, output: { error: job.cancelled ? null : (err as Error).message }, success: false });
      }
      return;
    }
    if (req.method === "GET" && path === "/gradio_api/queue/data") {
      const s = session(url.searchParams.get("session_hash") ?? "");
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
      s.res = res;
      for (const line of s.backlog.splice(0)) res.write(line);
      req.on("close", () => {
        if (s.res === res) s.res = null;
      });
      return;
    }
    if (req.method === "POST" && (path === "/gradio_api/cancel" || path === "/gradio_api/reset")) {
      const body = JSON.parse((await readBody(req)).toString("utf8")) as { event_id?: string };
      if (path.endsWith("cancel") && body.event_id) {
        fake.cancels.push({ at: performance.now(), eventId: body.event_id });
        const job = jobs.get(body.event_id);
        if (job) job.cancelled = true;
      }
      return sendJson(res, 200, { success: true });
    }
    if (req.method === "POST" && path === "/gradio_api/call/basic_tts") {
      const body = JSON.parse((await readBody(req)).toString("utf8")) as { data: unknown[] };
      const eventId = randomUUID().replace(/-/g, "");
      const job = { cancelled: false, sse: [] as string[] };
      jobs.set(eventId, job);
      sendJson(res, 200, { event_id: eventId });
      try {
        job.sse.push(`event: complete\ndata: ${JSON.stringify(await basicTts(body.data, job, here))}\n\n`);
      } catch (err) {
        job.sse.push(`event: error\ndata: ${JSON.stringify((err as Error).message)}\n\n`);
      }
      return;
    }
    if (req.method === "GET" && path.startsWith("/gradio_api/call/basic_tts/")) {
      const job = jobs.get(path.split("/").pop() ?? "");
      if (!job) return sendJson(res, 404, { detail: "unknown event" });
      res.writeHead(200, { "content-type": "text/event-stream" });
      while (job.sse.length === 0) await sleep(5);
      return void res.end(job.sse.join(""));
    }
    sendJson(res, 404, { detail: "Not Found" });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { detail: String(err) });
      else res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const addr = server.address();
  root = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`;
  fake.url = root;
  fake.close = async () => {
    for (const s of sessions.values()) s.res?.end();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  };
  return fake;
}

function config(root: string): Record<string, unknown> {
  const components = [
    { id: 1, type: "audio", props: { type: "filepath" } },
    { id: 2, type: "textbox", props: {} },
    { id: 3, type: "textbox", props: {} },
    { id: 4, type: "checkbox", props: {} },
    { id: 5, type: "checkbox", props: {} },
    { id: 6, type: "number", props: {} },
    { id: 7, type: "slider", props: {} },
    { id: 8, type: "slider", props: {} },
    { id: 9, type: "slider", props: {} },
    { id: 10, type: "audio", props: {} },
    { id: 11, type: "image", props: {} },
    { id: 12, type: "button", props: {} },
  ];
  const dependency = {
    id: 0,
    targets: [[12, "click"]],
    api_name: "basic_tts",
    api_visibility: "public",
    inputs: [1, 2, 3, 4, 5, 6, 7, 8, 9],
    outputs: [10, 11, 2, 6],
    queue: true,
    types: { generator: false, cancel: false },
  };
  return {
    version: "5.23.1",
    mode: "blocks",
    app_id: 1,
    root,
    api_prefix: "/gradio_api",
    protocol: "sse_v3",
    enable_queue: true,
    connect_heartbeat: false,
    components,
    dependencies: [dependency],
    page: { "": { components: components.map((c) => c.id), dependencies: [0], layout: { id: 0, children: [] } } },
  };
}

function apiInfo(): Record<string, unknown> {
  const p = (name: string, component: string, type: string, def?: unknown) => ({
    label: name,
    parameter_name: name,
    parameter_has_default: def !== undefined,
    parameter_default: def ?? null,
    type: { type },
    python_type: { type },
    component,
  });
  return {
    named_endpoints: {
      "/basic_tts": {
        parameters: [
          p("ref_audio_input", "Audio", "object"),
          p("ref_text_input", "Textbox", "string", ""),
          p("gen_text_input", "Textbox", "string"),
          p("remove_silence", "Checkbox", "boolean", false),
          p("randomize_seed", "Checkbox", "boolean", true),
          p("seed_input", "Number", "number", 0),
          p("cross_fade_duration_slider", "Slider", "number", 0.15),
          p("nfe_slider", "Slider", "number", 32),
          p("speed_slider", "Slider", "number", 1),
        ],
        returns: [p("audio", "Audio", "object"), p("spectrogram", "Image", "object"), p("ref_text", "Textbox", "string"), p("seed", "Number", "number")],
      },
    },
    unnamed_endpoints: {},
  };
}
