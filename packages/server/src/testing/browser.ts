import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { buildWebAssets, type WebAsset } from "@mirror/web";
import { decodeWav, encodeWav } from "../audio/wav.js";

/** The kiosk's live stats (window.__mirror), as tests and the benchmark read them. */
export interface KioskStats {
  phase: string;
  turnsStarted: number;
  turnsPlayed: number;
  turnsInterrupted: number;
  playedSamples: number;
  lipMotionFrames: number;
  maxJawOpen: number;
  fps: number;
  lastError: string | null;
}

/**
 * A fake microphone for Chromium (which loops the file): the visitor reads `speech`, pauses `gapS`, reads it again.
 * A pause shorter than the double's reply makes the visitor talk over it (barge-in).
 */
export function writeFakeMic(path: string, speechWav: string, gapS: number): void {
  const speech = decodeWav(new Uint8Array(readFileSync(speechWav)));
  const sr = speech.sampleRate;
  const gap = new Float32Array(Math.round(sr * gapS));
  const parts = [new Float32Array(Math.round(sr * 0.5)), speech.pcm, gap, speech.pcm, gap];
  const all = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    all.set(p, o);
    o += p.length;
  }
  writeFileSync(path, encodeWav(all, sr));
}

/** Debian's Chromium, headless, with a fake webcam (y4m) and microphone (wav); no network but loopback. */
export function launchKioskBrowser(opts: { video: string; audio: string; dir: string; extraArgs?: readonly string[] }): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      "--autoplay-policy=no-user-gesture-required",
      "--use-fake-ui-for-media-stream",
      "--use-fake-device-for-media-stream",
      `--use-file-for-fake-video-capture=${opts.video}`,
      `--use-file-for-fake-audio-capture=${opts.audio}`,
      "--enable-unsafe-swiftshader",
      `--crash-dumps-dir=${join(opts.dir, "crash")}`,
      ...(opts.extraArgs ?? []),
    ],
  });
}

/** Mirror's web assets (pages, workers, models) plus test files, served on 127.0.0.1 port 0. */
export async function serveWebAssets(extra: Record<string, WebAsset> = {}): Promise<{ base: string; close(): Promise<void> }> {
  const assets = await buildWebAssets();
  for (const [path, asset] of Object.entries(extra)) assets.set(path, asset);
  const http = createServer((req, res) => {
    const a = assets.get(new URL(req.url ?? "/", "http://x").pathname);
    res.writeHead(a ? 200 : 404, { "content-type": a?.contentType ?? "text/plain" });
    res.end(a?.body ?? "not found");
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
  return { base, close: () => new Promise<void>((resolve) => http.close(() => resolve())) };
}

/** Debian's Chromium, headless, WebGL on SwiftShader, audio that may start without a gesture; no fake devices. */
export function launchRenderBrowser(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--enable-unsafe-swiftshader", "--autoplay-policy=no-user-gesture-required", ...extraArgs],
  });
}

/**
 * Where a test writes its screenshots: `docs/` when MIRROR_REFRESH_DOCS=1 asks to refresh the committed ones, else a
 * fresh temp dir (so a test run does not dirty the tree).
 */
export function screenshotDir(docsDir: string): string {
  if (process.env.MIRROR_REFRESH_DOCS === "1") {
    mkdirSync(docsDir, { recursive: true });
    return docsDir;
  }
  return mkdtempSync(join(tmpdir(), "mirror-shots-"));
}
