import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserSttRuntimeFiles, buildWebAssets } from "@mirror/web";
import type { SttEvent } from "../packages/server/src/core/contracts/stt.js";
import type { RunningServer, WebAsset } from "../packages/server/src/http/server.js";
import type { VisitSession } from "../packages/server/src/session/visit-session.js";
import { BrowserWhisperHub } from "../packages/server/src/stages/stt/browser-whisper/index.js";
import { launchKioskBrowser, writeFakeMic } from "../packages/server/src/testing/browser.js";
import { startBrowserWhisperServer } from "../packages/server/src/testing/browser-whisper-server.js";
import { FakeStt } from "../packages/server/src/testing/fakes/stages.js";
import { writeTinyWhisper } from "../packages/server/src/testing/tiny-whisper/tiny-whisper.js";
import { drawFaces, encodeY4m } from "../scripts/lib/face-image.js";

/**
 * Whisper in the kiosk, in headless Chromium: transformers.js loads a model folder that Mirror serves (a tiny
 * random-weight model with Whisper's files and ONNX interface, written here; no real Whisper can be downloaded on
 * this machine), runs on WASM (no GPU here), and answers the server's requests for stretches of the page's own
 * (fake) microphone. A missing or corrupt model: the kiosk says why, the console shows it, the server's STT works on.
 */

const root = join(import.meta.dirname, "..");
const SERVER_TEXT = "the server heard this";

interface Running {
  server: RunningServer;
  hub: BrowserWhisperHub;
  fallback: FakeStt;
}

let tmp = "";
let assets: Map<string, WebAsset>;
let browser: Browser;
const running: Running[] = [];

async function startEarsServer(modelDir: string): Promise<Running> {
  const fallback = new FakeStt(SERVER_TEXT, 5);
  const hub = new BrowserWhisperHub({ modelDir, model: "tiny-whisper", maxNewTokens: 12, requestTimeoutMs: 20_000, runtimeFiles: browserSttRuntimeFiles(), fallbackId: fallback.info.id });
  const server = await startBrowserWhisperServer({ assets, hub, fallback, llmDelayMs: 1, language: "en" });
  const r = { server, hub, fallback };
  running.push(r);
  return r;
}

async function waitFor<T>(what: string, probe: () => T | null | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== null && v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const sessionWithEars = (server: RunningServer, state: string, not: ReadonlySet<VisitSession> = new Set()) =>
  [...server.sessions].find((s) => !not.has(s) && s.ears?.status.state === state) ?? null;

async function transcribe(session: VisitSession, fallback: FakeStt, samples: number, language: "en" | "nl") {
  const bridge = session.ears;
  if (!bridge) throw new Error("no ears");
  const stream = bridge.stt(fallback).open({ language, signal: new AbortController().signal });
  for (let i = 0; i < samples; i += 320) stream.push(new Int16Array(Math.min(320, samples - i)));
  const t0 = performance.now();
  stream.end();
  const events: SttEvent[] = [];
  for await (const ev of stream.events) events.push(ev);
  return { events, ms: performance.now() - t0, final: events.find((e) => e.type === "final")?.text ?? null };
}

async function openPage(url: string): Promise<{ page: Page; requests: string[] }> {
  const page = await browser.newPage();
  const requests: string[] = [];
  page.on("request", (r) => requests.push(r.url()));
  page.on("pageerror", (err) => console.error("page error:", err.message));
  await page.goto(url);
  return { page, requests };
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "mirror-ears-"));
  writeTinyWhisper(join(tmp, "tiny-whisper"));
  // the same folder with both ONNX files replaced by bytes that are not a model
  const broken = join(tmp, "broken", "tiny-whisper");
  mkdirSync(join(broken, "onnx"), { recursive: true });
  for (const f of readdirSync(join(tmp, "tiny-whisper"))) if (f.endsWith(".json")) copyFileSync(join(tmp, "tiny-whisper", f), join(broken, f));
  for (const f of ["encoder_model.onnx", "decoder_model_merged.onnx"]) writeFileSync(join(broken, "onnx", f), new Uint8Array(4096).fill(7));
  const video = join(tmp, "face.y4m");
  const audio = join(tmp, "mic.wav");
  writeFileSync(video, encodeY4m(drawFaces(320, 240, [{ cx: 160, cy: 120, width: 190 }]), 2, 10));
  writeFakeMic(audio, join(root, "fixtures/visitor-1/turn-01.wav"), 0.5);
  assets = await buildWebAssets();
  browser = await launchKioskBrowser({ video, audio, dir: tmp });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  for (const r of running) await r.server.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe("Whisper in the kiosk (transformers.js in headless Chromium, model served by Mirror)", () => {
  it("loads the served model on WASM and transcribes the stretch of its own mic that the server asks for; nothing leaves for a hub or CDN", async () => {
    const { server, fallback } = await startEarsServer(join(tmp, "tiny-whisper"));
    const { page, requests } = await openPage(`${server.url}/bench/ears`);
    // generous: compiling the 27 MB wasm took 20–90 s on this 2-core box under load (a few s when quiet)
    const session = await waitFor("the kiosk's model", () => sessionWithEars(server, "ready"), 180_000);
    const status = session.ears?.status;
    console.log("kiosk whisper:", JSON.stringify(status));
    expect(status?.device).toBe("wasm"); // no GPU adapter in this Chromium: the WASM fallback
    expect(status?.languages).toEqual(["en", "nl"]);
    expect(status?.loadMs).toBeGreaterThan(0);

    // 1.5 s of the page's mic has reached the server: ask for the last second of it, in both languages
    await waitFor("mic audio", () => ((session.ears?.micSamples ?? 0) > 24_000 ? true : null), 30_000);
    const nl = await transcribe(session, fallback, 16_000, "nl");
    const en = await transcribe(session, fallback, 16_000, "en");
    const stats = await page.evaluate("window.earsBench.stats()");
    console.log("transcripts (random weights: nonsense by design):", JSON.stringify({ nl: nl.final, en: en.final }), "end → final ms:", Math.round(nl.ms), Math.round(en.ms), JSON.stringify(stats));
    for (const r of [nl, en]) {
      expect(r.final).toMatch(/^[a-z ]*[a-z][a-z ]*$/);
      expect(r.final).not.toBe(SERVER_TEXT);
    }
    expect(session.ears?.stats).toMatchObject({ requests: 2, browserFinals: 2, fallbacks: 0 });
    expect(fallback.samplesHeard).toBe(0);

    const origin = new URL(server.url).origin;
    expect(requests.filter((u) => new URL(u).origin !== origin && !u.startsWith("blob:") && !u.startsWith("data:"))).toEqual([]);
    expect(requests).toEqual(expect.arrayContaining([`${origin}/ears/config.json`, `${origin}/ears/models/tiny-whisper/onnx/encoder_model.onnx`, `${origin}/ears/models/tiny-whisper/onnx/decoder_model_merged.onnx`]));
    expect(requests.some((u) => u.startsWith(`${origin}/ears/ort/ort-wasm-simd-threaded.asyncify.`))).toBe(true);
    await page.close();
  });

  it("the kiosk page with no model in the configured folder: it says why, the console shows it, the server's STT takes the visit's words", async () => {
    const { server, fallback } = await startEarsServer(join(tmp, "nowhere", "tiny-whisper"));
    const { page } = await openPage(`${server.url}/?size=320`);
    const session = await waitFor("the kiosk's failure", () => sessionWithEars(server, "failed"), 120_000);
    console.log("missing model:", JSON.stringify(session.ears?.status));
    expect(session.ears?.status.detail).toMatch(/tiny-whisper|config\.json|404|locate/i);
    const health = await consoleHealth(server);
    expect(health.ok).toBe(false);
    expect(health.detail).toContain("missing config.json");
    expect(health.detail).toContain(`failed (${session.ears?.status.detail ?? "?"}`.slice(0, 60));
    expect(health.detail).toContain(") → stt/fake");
    const r = await transcribe(session, fallback, 16_000, "en");
    expect(r.final).toBe(SERVER_TEXT);
    expect(session.ears?.stats.requests).toBe(0);
    await page.close();
  });

  it("a corrupt model (ONNX files that are not models): failed with the runtime's reason, the server's STT takes over", async () => {
    const { server, fallback } = await startEarsServer(join(tmp, "broken", "tiny-whisper"));
    const { page } = await openPage(`${server.url}/bench/ears`);
    const session = await waitFor("the kiosk's failure", () => sessionWithEars(server, "failed"), 180_000);
    console.log("corrupt model:", JSON.stringify(session.ears?.status));
    expect(session.ears?.status.detail).toMatch(/wasm/);
    expect((await consoleHealth(server)).ok).toBe(false);
    await waitFor("mic audio", () => ((session.ears?.micSamples ?? 0) > 16_000 ? true : null), 30_000);
    const r = await transcribe(session, fallback, 16_000, "nl");
    expect(r.final).toBe(SERVER_TEXT);
    expect(fallback.samplesHeard).toBe(16_000);
    await page.close();
  });
});

async function consoleHealth(server: RunningServer): Promise<{ ok: boolean; detail: string }> {
  const res = await fetch(`${server.url}/api/console/status`, { headers: { authorization: `Bearer ${server.consoleToken}` } });
  const body = (await res.json()) as { health: Record<string, { ok: boolean; detail: string }> };
  const entry = Object.entries(body.health).find(([k]) => k.startsWith("stt in the kiosk"));
  if (!entry) throw new Error(`no kiosk STT on the console: ${JSON.stringify(body.health)}`);
  return entry[1];
}

