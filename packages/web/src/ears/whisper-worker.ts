import { env, pipeline, TextStreamer } from "@huggingface/transformers";
import type { BrowserSttConfig, BrowserSttDevice, Language } from "@mirror/protocol";
import type { EarsReply, EarsRequest } from "./messages.js";

/**
 * Whisper in the kiosk, off the main thread: transformers.js on WebGPU when the browser has a GPU adapter, else on
 * WASM. Model files and onnxruntime-web's wasm come from Mirror itself; nothing is fetched from a hub or a CDN.
 * Gets a stretch of 16 kHz mic audio, sends back the text while decoding and when done.
 */

const scope = self as unknown as {
  postMessage(m: EarsReply): void;
  onmessage: ((e: MessageEvent<EarsRequest>) => void) | null;
  crossOriginIsolated?: boolean;
};

type Transcriber = (audio: Float32Array, options: Record<string, unknown>) => Promise<unknown>;
interface Loaded {
  asr: Transcriber;
  config: BrowserSttConfig;
  languages: Language[];
  multilingual: boolean;
}

const WARMUP_SAMPLES = 8000;
const PARTIAL_EVERY_MS = 100;
let loaded: Loaded | null = null;
/** one transcription at a time, in the order asked */
let queue: Promise<void> = Promise.resolve();

async function webGpuAdapter(): Promise<boolean> {
  const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (!gpu) return false;
  try {
    return (await gpu.requestAdapter()) != null;
  } catch {
    return false;
  }
}

function configure(config: BrowserSttConfig): void {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = config.modelBase;
  env.useBrowserCache = false;
  const onnx = env.backends.onnx as { wasm?: { wasmPaths?: unknown; numThreads?: number } };
  if (onnx.wasm) {
    const file = (ext: string) => new URL(`${config.wasmBase}ort-wasm-simd-threaded.asyncify.${ext}`, location.href).href;
    onnx.wasm.wasmPaths = { mjs: file("mjs"), wasm: file("wasm") };
    // threads need cross-origin isolation (SharedArrayBuffer); the kiosk page is not isolated, so one thread
    onnx.wasm.numThreads = scope.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;
  }
}

/** Which languages of the experience the model can be told to transcribe (an English-only model: just "en"). */
async function modelLanguages(config: BrowserSttConfig): Promise<{ languages: Language[]; multilingual: boolean }> {
  const res = await fetch(`${config.modelBase}${config.model}/generation_config.json`);
  if (!res.ok) return { languages: ["en"], multilingual: false };
  const g = (await res.json()) as { is_multilingual?: boolean; lang_to_id?: Record<string, number> };
  if (!g.is_multilingual) return { languages: ["en"], multilingual: false };
  const languages = (["en", "nl"] as const).filter((l) => g.lang_to_id?.[`<|${l}|>`] !== undefined);
  return { languages, multilingual: true };
}

async function load(config: BrowserSttConfig): Promise<void> {
  configure(config);
  const t0 = performance.now();
  const devices: BrowserSttDevice[] =
    config.device === "wasm" ? ["wasm"] : config.device === "webgpu" ? ["webgpu"] : (await webGpuAdapter()) ? ["webgpu", "wasm"] : ["wasm"];
  const failures: string[] = [];
  for (const device of devices) {
    try {
      const asr = (await pipeline("automatic-speech-recognition", config.model, { device, dtype: config.dtype as "fp32" })) as unknown as Transcriber;
      const { languages, multilingual } = await modelLanguages(config);
      const candidate: Loaded = { asr, config, languages, multilingual };
      // one short silent run: the first visitor does not pay for shader compilation and first allocations
      await run(candidate, new Float32Array(WARMUP_SAMPLES), languages[0] ?? "en", 2, () => undefined);
      loaded = candidate;
      const note = failures.length ? `fell back to ${device}: ${failures.join("; ")}` : undefined;
      scope.postMessage({ type: "loaded", device, languages, ms: performance.now() - t0, ...(note ? { note: note.slice(0, 200) } : {}) });
      return;
    } catch (err) {
      failures.push(`${device}: ${describe(err)}`);
    }
  }
  scope.postMessage({ type: "load-failed", message: failures.join("; ").slice(0, 280) });
}

async function run(l: Loaded, pcm: Float32Array, language: Language, maxNewTokens: number, onPartial: (text: string) => void): Promise<string> {
  let text = "";
  let sentAt = 0;
  const tokenizer = (l.asr as unknown as { tokenizer: ConstructorParameters<typeof TextStreamer>[0] }).tokenizer;
  const streamer = new TextStreamer(tokenizer, {
    skip_prompt: true,
    skip_special_tokens: true,
    callback_function: (piece: string) => {
      text += piece;
      const now = performance.now();
      if (now - sentAt >= PARTIAL_EVERY_MS && text.trim()) {
        sentAt = now;
        onPartial(text.trim());
      }
    },
  });
  const options: Record<string, unknown> = { max_new_tokens: maxNewTokens, streamer, ...(l.multilingual ? { language, task: "transcribe" } : {}) };
  const out = (await l.asr(pcm, options)) as { text?: string } | Array<{ text?: string }>;
  const first = Array.isArray(out) ? out[0] : out;
  return (first?.text ?? text).trim();
}

function describe(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/\s+/g, " ").slice(0, 200);
}

scope.onmessage = (e: MessageEvent<EarsRequest>) => {
  const m = e.data;
  if (m.type === "load") {
    queue = queue.then(() => load(m.config));
    return;
  }
  queue = queue.then(async () => {
    const l = loaded;
    if (!l) return scope.postMessage({ type: "error", id: m.id, message: "model not loaded" });
    if (!l.languages.includes(m.language)) return scope.postMessage({ type: "error", id: m.id, message: `the model does not do ${m.language}` });
    const t0 = performance.now();
    try {
      const text = await run(l, m.pcm, m.language, l.config.maxNewTokens, (partial) => scope.postMessage({ type: "partial", id: m.id, text: partial }));
      scope.postMessage({ type: "final", id: m.id, text, ms: performance.now() - t0 });
    } catch (err) {
      scope.postMessage({ type: "error", id: m.id, message: describe(err) });
    } finally {
      m.pcm.fill(0);
    }
  });
};
