import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BrowserSttConfig } from "@mirror/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BrowserWhisperHub, requiredModelFiles } from "./hub.js";

let dir = "";
let server: Server;
let base = "";
let hub: BrowserWhisperHub;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "mirror-hub-"));
  const model = join(dir, "whisper-base");
  mkdirSync(join(model, "onnx"), { recursive: true });
  for (const f of requiredModelFiles("q8")) writeFileSync(join(model, f), f.endsWith(".json") ? "{}" : "onnx bytes");
  writeFileSync(join(dir, "secret.txt"), "not for kiosks");
  writeFileSync(join(model, ".env"), "KEY=1");
  writeFileSync(join(dir, "runtime.wasm"), "wasm bytes");
  hub = new BrowserWhisperHub({ modelDir: model, dtype: "q8", runtimeFiles: { "ort-wasm-simd-threaded.asyncify.wasm": join(dir, "runtime.wasm") }, fallbackId: "stt/pocketsphinx" });
  server = createServer((req, res) => {
    if (!hub.serve(req, res, new URL(req.url ?? "/", "http://x").pathname)) res.writeHead(418).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

describe("the browser Whisper hub's files", () => {
  it("serves the kiosk's config, the model folder and the ONNX runtime, and nothing else", async () => {
    const config = BrowserSttConfig.parse(await (await fetch(`${base}/ears/config.json`)).json());
    expect(config).toEqual({ model: "whisper-base", modelBase: "/ears/models/", wasmBase: "/ears/ort/", device: "auto", dtype: "q8", maxNewTokens: 128 });
    const enc = await fetch(`${base}/ears/models/whisper-base/onnx/encoder_model_quantized.onnx`);
    expect(enc.status).toBe(200);
    expect(await enc.text()).toBe("onnx bytes");
    const wasm = await fetch(`${base}/ears/ort/ort-wasm-simd-threaded.asyncify.wasm`);
    expect(wasm.headers.get("content-type")).toBe("application/wasm");
    for (const path of [
      "/ears/models/whisper-base/../secret.txt",
      "/ears/models/whisper-base/%2e%2e/secret.txt",
      "/ears/models/whisper-base/.env",
      "/ears/models/whisper-base/onnx",
      "/ears/models/other/config.json",
      "/ears/ort/ort.all.mjs",
      "/ears/models/whisper-base/%E0%A4%A",
    ]) {
      const res = await fetch(`${base}${path}`);
      expect(res.status, path).toBe(404);
      expect(await res.text()).not.toContain("not for kiosks");
    }
    expect((await fetch(`${base}/assets/kiosk.js`)).status).toBe(418); // not the hub's
  });

  it("the console hears what each kiosk's model is doing, and what a model folder lacks", async () => {
    const a = hub.attach(() => undefined);
    const b = hub.attach(() => undefined);
    a.handle({ type: "stt-status", state: "ready", device: "webgpu", languages: ["en", "nl"], loadMs: 2100 });
    b.handle({ type: "stt-status", state: "failed", detail: "no WebGPU adapter; wasm: out of memory" });
    const h = await hub.health();
    expect(h.ok).toBe(false);
    expect(h.detail).toContain("ready on webgpu (en/nl, loaded in 2100 ms)");
    expect(h.detail).toContain("failed (no WebGPU adapter; wasm: out of memory) → stt/pocketsphinx");
    hub.detach(b);
    expect((await hub.health()).ok).toBe(true);
    hub.detach(a);
    const empty = new BrowserWhisperHub({ modelDir: join(dir, "nowhere"), runtimeFiles: {} });
    const missing = await empty.health();
    expect(missing.ok).toBe(false);
    expect(missing.detail).toContain("missing config.json");
    expect(missing.detail).toContain("and 5 more");
  });
});
