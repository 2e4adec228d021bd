import { existsSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { basename, join } from "node:path";
import type { BrowserSttConfig, ServerMessage } from "@mirror/protocol";
import type { Health, StageInfo } from "../../../core/contracts/common.js";
import { BrowserSttBridge, type KioskSttStatus } from "./bridge.js";
import { fileUnder, notFound, sendFile } from "./files.js";

export interface BrowserWhisperOptions {
  /** the model's folder on this machine, in the transformers.js layout (config.json, tokenizer.json, onnx/…) */
  modelDir: string;
  /** its name in URLs (default: the folder's name) */
  model?: string;
  device?: BrowserSttConfig["device"];
  dtype?: string;
  maxNewTokens?: number;
  /** a transcript the kiosk has not sent after this long is done by the server's STT */
  requestTimeoutMs?: number;
  /** onnxruntime-web's runtime files by name → path on disk (see @mirror/web's browserSttRuntimeFiles) */
  runtimeFiles: Readonly<Record<string, string>>;
  /** the server STT that takes over (named in the console) */
  fallbackId?: string;
  log?: (line: string) => void;
}

export const EARS_PREFIX = "/ears/";
const MODELS = `${EARS_PREFIX}models/`;
const RUNTIME = `${EARS_PREFIX}ort/`;

/** The files transformers.js needs for a Whisper model at a given dtype (suffixes as transformers.js names them). */
export function requiredModelFiles(dtype: string): string[] {
  const suffix: Record<string, string> = { fp32: "", fp16: "_fp16", q8: "_quantized", int8: "_int8", uint8: "_uint8", q4: "_q4", q4f16: "_q4f16", bnb4: "_bnb4" };
  const s = suffix[dtype] ?? `_${dtype}`;
  return ["config.json", "generation_config.json", "preprocessor_config.json", "tokenizer.json", "tokenizer_config.json", `onnx/encoder_model${s}.onnx`, `onnx/decoder_model_merged${s}.onnx`];
}

/**
 * Whisper in the kiosks (transformers.js): serves the model folder, the ONNX runtime and the kiosk's config from
 * Mirror itself (no hub, no CDN), gives each kiosk connection its bridge, and tells the console what every kiosk's
 * model is doing.
 */
export class BrowserWhisperHub {
  readonly info: StageInfo = { id: "stt/browser-whisper", stage: "stt", languages: ["en", "nl"], local: true };
  readonly config: BrowserSttConfig;
  readonly requestTimeoutMs: number;
  private readonly bridges = new Set<BrowserSttBridge>();

  constructor(private readonly o: BrowserWhisperOptions) {
    this.config = {
      model: o.model ?? basename(o.modelDir),
      modelBase: MODELS,
      wasmBase: RUNTIME,
      device: o.device ?? "auto",
      dtype: o.dtype ?? "fp32",
      maxNewTokens: o.maxNewTokens ?? 128,
    };
    this.requestTimeoutMs = o.requestTimeoutMs ?? 6_000;
  }

  /** What is missing from the model folder (empty when complete). */
  missingFiles(): string[] {
    return requiredModelFiles(this.config.dtype).filter((f) => !existsSync(join(this.o.modelDir, f)));
  }

  async warmup(): Promise<void> {
    const missing = this.missingFiles();
    if (missing.length) this.o.log?.(`browser whisper: ${this.o.modelDir} lacks ${missing.join(", ")}; kiosks will use the server STT`);
  }

  /** A kiosk connected: its bridge (and its status on the console until `detach`). */
  attach(send: (message: ServerMessage) => void): BrowserSttBridge {
    const bridge = new BrowserSttBridge({ send, timeoutMs: this.requestTimeoutMs, onStatus: (s) => this.logStatus(s) });
    this.bridges.add(bridge);
    return bridge;
  }

  detach(bridge: BrowserSttBridge): void {
    bridge.close();
    this.bridges.delete(bridge);
  }

  /** `/ears/config.json`, `/ears/models/<model>/…`, `/ears/ort/…`; false for any other path. */
  serve(req: IncomingMessage, res: ServerResponse, path: string): boolean {
    if (!path.startsWith(EARS_PREFIX)) return false;
    if (req.method !== "GET" && req.method !== "HEAD") {
      notFound(res, "not found");
      return true;
    }
    if (path === `${EARS_PREFIX}config.json`) {
      res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
      res.end(JSON.stringify(this.config));
      return true;
    }
    const modelPrefix = `${MODELS}${encodeURIComponent(this.config.model)}/`;
    const file = path.startsWith(modelPrefix)
      ? fileUnder(this.o.modelDir, path.slice(modelPrefix.length))
      : path.startsWith(RUNTIME)
        ? (this.o.runtimeFiles[path.slice(RUNTIME.length)] ?? null)
        : null;
    if (!file) notFound(res, "not found");
    else sendFile(req, res, file);
    return true;
  }

  async health(): Promise<Health> {
    const missing = this.missingFiles();
    const kiosks = [...this.bridges].map((b) => describe(b.status, this.o.fallbackId));
    const failed = [...this.bridges].some((b) => b.status.state === "failed");
    const model = `${this.config.model} (${this.config.dtype})`;
    if (missing.length) {
      const named = missing.length > 2 ? `${missing.slice(0, 2).join(", ")} and ${missing.length - 2} more` : missing.join(", ");
      return { ok: false, detail: `${kiosks.join(" · ") || "no kiosk"} · ${model}: missing ${named}` };
    }
    return { ok: !failed, detail: `${model} · ${kiosks.join(" · ") || "no kiosk connected"}` };
  }

  private logStatus(s: KioskSttStatus): void {
    if (s.state === "ready" || s.state === "failed") this.o.log?.(`browser whisper: a kiosk is ${describe(s, this.o.fallbackId)}`);
  }
}

function describe(s: KioskSttStatus, fallbackId = "server STT"): string {
  switch (s.state) {
    case "ready":
      return `ready on ${s.device ?? "?"} (${(s.languages ?? []).join("/") || "?"}${s.loadMs !== undefined ? `, loaded in ${Math.round(s.loadMs)} ms` : ""})`;
    case "failed":
      return `failed (${(s.detail ?? "unknown").slice(0, 120)}) → ${fallbackId}`;
    case "loading":
      return `loading → ${fallbackId} meanwhile`;
    case "off":
      return `off → ${fallbackId}`;
  }
}
