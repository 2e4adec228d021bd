/**
 * A GPU model server as a fake: Mirror's F5 sidecar protocol (stages/tts/f5/sidecar-protocol.ts) in front
 * of a simulated GPU with a service time per request, a concurrency limit (requests on the GPU at once),
 * a FIFO queue in front of it, and contention from other work sharing the card (a renderer, Deep-Live-Cam).
 * Times are multiplied by `timeScale`, so a load test can run faster than real time.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { encodeF5Audio } from "../../stages/tts/f5/socket-protocol.js";
import { fakeSpeech, sleep } from "./fake-speech.js";
import { readBody, sendJson } from "./http-util.js";

export interface GpuModelOptions {
  /** requests the model runs at once (F5: 1, no batching) */
  slots: number;
  /** model time before a sentence's first audio, unloaded GPU (F5 on an RTX 4090 ≈ 900 ms) */
  firstAudioMs: number;
  /** model time per second of audio after the first chunk (real-time factor) */
  rtf: number;
  /** all times × this (0.1 = ten times faster than real); default 1 */
  timeScale?: number;
}

/** FIFO slots of one simulated GPU; `background` is the share of the card other work holds (0…0.9). */
export class GpuModel {
  background = 0;
  /** wait for a slot per request, ms (unscaled) */
  readonly queueWaitMs: number[] = [];
  private running = 0;
  private readonly queue: Array<() => void> = [];

  constructor(readonly opts: GpuModelOptions) {}

  get scale(): number {
    return this.opts.timeScale ?? 1;
  }

  /** how much slower the model runs while other work holds part of the card */
  get slowdown(): number {
    return 1 / (1 - Math.min(0.9, Math.max(0, this.background)));
  }

  async slot(): Promise<() => void> {
    const t0 = performance.now();
    if (this.running >= this.opts.slots) await new Promise<void>((r) => this.queue.push(r));
    else this.running++;
    this.queueWaitMs.push((performance.now() - t0) / this.scale);
    let freed = false;
    return () => {
      if (freed) return;
      freed = true;
      const next = this.queue.shift();
      if (next) next();
      else this.running--;
    };
  }
}

export interface GpuSidecarFake {
  url: string;
  gpu: GpuModel;
  /** sentences synthesized */
  served: number;
  close(): Promise<void>;
}

const CHUNK = 4096;

export async function startGpuSidecarFake(model: GpuModelOptions): Promise<GpuSidecarFake> {
  const gpu = new GpuModel(model);
  const voices = new Set<string>();
  const audio = new Map<string, Float32Array>();
  const fake: GpuSidecarFake = { url: "", gpu, served: 0, close: async () => undefined };

  const speak = async (res: ServerResponse, text: string): Promise<void> => {
    const pcm = audio.get(text) ?? fakeSpeech(text, 24_000);
    if (audio.size < 256) audio.set(text, pcm);
    let gone = false;
    res.on("close", () => (gone = !res.writableFinished));
    const free = await gpu.slot();
    try {
      res.writeHead(200, { "content-type": "application/octet-stream", "x-sample-rate": "24000" });
      res.flushHeaders();
      await sleep(model.firstAudioMs * gpu.slowdown * gpu.scale);
      const perChunkMs = (CHUNK / 24_000) * 1000 * model.rtf * gpu.scale;
      for (let i = 0; i < pcm.length && !gone; i += CHUNK) {
        res.write(encodeF5Audio(pcm.subarray(i, i + CHUNK)));
        if (i + CHUNK < pcm.length) await sleep(perChunkMs * gpu.slowdown);
      }
      fake.served++;
    } finally {
      free();
    }
    res.end();
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (req.method === "GET" && path === "/health") return sendJson(res, 200, { ok: true, protocol: 1, sample_rate: 24000, model: "gpu-fake", voices: voices.size });
    if (req.method === "POST" && path === "/voices") {
      await readBody(req);
      const id = randomUUID();
      voices.add(id);
      return sendJson(res, 201, { voice_id: id, ref_seconds: 6 });
    }
    const m = /^\/voices\/([^/]+)(\/speak)?$/.exec(path);
    const id = decodeURIComponent(m?.[1] ?? "");
    if (req.method === "POST" && m?.[2]) {
      const body = JSON.parse((await readBody(req)).toString("utf8")) as { text?: string };
      if (!voices.has(id)) return sendJson(res, 404, { error: "unknown voice" });
      return speak(res, body.text ?? "");
    }
    if (req.method === "DELETE" && m && !m[2]) {
      voices.delete(id);
      res.writeHead(204);
      return void res.end();
    }
    sendJson(res, 404, { error: "not found" });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => (res.headersSent ? res.destroy() : sendJson(res, 500, { error: "fake failed" })));
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  };
  return fake;
}
