/**
 * Whisper in the kiosk, measured: Mirror serves a model folder, headless Chromium loads it on WASM or WebGPU
 * (`/bench/ears`, the kiosk's own worker and protocol), and the server asks for transcripts of the page's (fake) mic.
 *
 *   npx tsx scripts/ears-bench.ts [--model <folder>] [--dtype fp32|q8|…] [--devices wasm,webgpu] [--runs 5] [--seconds 3]
 *
 * Without --model it writes the tiny random-weight test model (load and decode plumbing only, not Whisper's speed).
 * WebGPU in headless Chromium on a machine without a GPU is SwiftShader (a CPU rasterizer): it proves the path,
 * not a GPU's speed; run it on the kiosk's own machine and browser for real numbers.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { browserSttRuntimeFiles, buildWebAssets } from "@mirror/web";
import { BrowserWhisperHub } from "../packages/server/src/stages/stt/browser-whisper/index.js";
import { launchKioskBrowser, writeFakeMic } from "../packages/server/src/testing/browser.js";
import { startBrowserWhisperServer } from "../packages/server/src/testing/browser-whisper-server.js";
import { FakeStt } from "../packages/server/src/testing/fakes/stages.js";
import { writeTinyWhisper } from "../packages/server/src/testing/tiny-whisper/tiny-whisper.js";
import { drawFaces, encodeY4m } from "./lib/face-image.js";

const { values } = parseArgs({
  options: {
    model: { type: "string" },
    dtype: { type: "string", default: "fp32" },
    devices: { type: "string", default: "wasm,webgpu" },
    runs: { type: "string", default: "5" },
    seconds: { type: "string", default: "3" },
    language: { type: "string", default: "en" },
    "max-new-tokens": { type: "string", default: "32" },
  },
});
const runs = Number(values.runs);
const samples = Math.round(Number(values.seconds) * 16_000);
const language = values.language === "nl" ? "nl" : "en";
const tmp = mkdtempSync(join(tmpdir(), "mirror-ears-bench-"));
const modelDir = values.model ?? writeTinyWhisper(join(tmp, "tiny-whisper"));
const video = join(tmp, "face.y4m");
const audio = join(tmp, "mic.wav");
writeFileSync(video, encodeY4m(drawFaces(320, 240, [{ cx: 160, cy: 120, width: 190 }]), 2, 10));
writeFakeMic(audio, join(import.meta.dirname, "../fixtures/visitor-1/turn-01.wav"), 0.5);
const assets = await buildWebAssets();

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;
const rows: string[] = [];

for (const device of values.devices.split(",").map((d) => d.trim()) as Array<"wasm" | "webgpu">) {
  const fallback = new FakeStt("(server)");
  const hub = new BrowserWhisperHub({ modelDir, dtype: values.dtype, device, maxNewTokens: Number(values["max-new-tokens"]), requestTimeoutMs: 120_000, runtimeFiles: browserSttRuntimeFiles() });
  const server = await startBrowserWhisperServer({ assets, hub, fallback });
  const browser = await launchKioskBrowser({ video, audio, dir: tmp, extraArgs: device === "webgpu" ? ["--enable-unsafe-webgpu"] : [] });
  try {
    const page = await browser.newPage();
    const t0 = performance.now();
    await page.goto(`${server.url}/bench/ears`);
    let session = null;
    while (!session) {
      session = [...server.sessions].find((s) => s.ears && (s.ears.status.state === "ready" || s.ears.status.state === "failed")) ?? null;
      if (performance.now() - t0 > 600_000) throw new Error("no model after 10 min");
      await new Promise((r) => setTimeout(r, 50));
    }
    const bridge = session.ears!;
    if (bridge.status.state === "failed") {
      rows.push(`| ${device} | failed: ${bridge.status.detail ?? "?"} | | |`);
      continue;
    }
    while (bridge.micSamples < samples + 16_000) await new Promise((r) => setTimeout(r, 50));
    const finals: number[] = [];
    const decodes: number[] = [];
    let text = "";
    for (let i = 0; i < runs; i++) {
      const stream = bridge.stt(fallback).open({ language, signal: new AbortController().signal });
      for (let s = 0; s < samples; s += 320) stream.push(new Int16Array(Math.min(320, samples - s)));
      const t = performance.now();
      stream.end();
      for await (const ev of stream.events) if (ev.type === "final") text = ev.text;
      finals.push(performance.now() - t);
      decodes.push(((await page.evaluate("window.earsBench.stats()")) as { lastDecodeMs: number }).lastDecodeMs);
    }
    console.log(`${device}: ${JSON.stringify(bridge.status)} · last text: ${JSON.stringify(text.slice(0, 80))} · fallbacks ${bridge.stats.fallbacks}`);
    rows.push(`| ${device} | ${bridge.status.loadMs} ms | ${Math.round(pct(decodes, 50))} / ${Math.round(pct(decodes, 95))} ms | ${Math.round(pct(finals, 50))} / ${Math.round(pct(finals, 95))} ms |`);
  } finally {
    await browser.close();
    await server.close();
  }
}
console.log(`\nmodel ${modelDir} (${values.dtype}), ${values.seconds} s stretches, ${runs} runs, language ${language}`);
console.log("| device | load (incl. warm-up) | decode p50 / p95 | server: end of segment → final p50 / p95 |\n|---|---|---|---|");
for (const r of rows) console.log(r);
rmSync(tmp, { recursive: true, force: true });
