import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchRenderBrowser, serveWebAssets } from "../packages/server/src/testing/browser.js";
import { drawFaces, encodePng } from "../scripts/lib/face-image.js";

/**
 * Lips against the voice in the browser: the kiosk's own player, timeline, render loop and A/V meter (`/bench/av`),
 * with replies whose voice and mouth start at the same sample. Offsets are measured on the rendered pixels of the
 * mouth against the time the worklet says the voice's first sample is heard (its output timestamp).
 * Re-measure on a quiet machine: `AV_ONSETS=100 npx vitest run --project e2e e2e/lip-sync.test.ts`.
 */

let server: { base: string; close(): Promise<void> };
let browser: Browser;
let page: Page;
const ONSETS = Number(process.env.AV_ONSETS ?? 24);

beforeAll(async () => {
  server = await serveWebAssets({
    "/test/face.png": { contentType: "image/png", body: encodePng(drawFaces(512, 640, [{ cx: 256, cy: 320, width: 512 }])) },
  });
  browser = await launchRenderBrowser();
  page = await browser.newPage({ viewport: { width: 512, height: 640 } });
  page.on("pageerror", (err) => console.error("page error:", err.message));
  await page.goto(`${server.base}/bench/av?size=512`);
  await page.waitForFunction("!!window.avBench");
  expect(await page.evaluate(`window.avBench.load("/test/face.png")`)).toEqual({ ok: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

interface AvRun {
  offsetsMs: number[];
  gapsMs: number[];
  holdsMs: number[];
  fps: number;
  frameMs: number;
  frameIntervalMs: number;
  frameHoldMs: number;
}

/** What the audio clock may be off by on a loaded box (output timestamps of a fake audio device, message delays). */
const CLOCK_MARGIN_MS = 8;
/** headless Chromium's begin-frame interval (60 Hz) */
const REFRESH_MS = 1000 / 60;

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

describe("lip motion against the voice (headless Chromium, rendered pixels, audio clock)", () => {
  it("the lips start moving within a frame of the voice", async () => {
    const r = (await page.evaluate(`window.avBench.onsets(${ONSETS})`)) as AvRun;
    const sorted = [...r.offsetsMs].sort((a, b) => a - b);
    const abs = r.offsetsMs.map(Math.abs).sort((a, b) => a - b);
    const frame = r.frameIntervalMs;
    const withinFrame = abs.filter((v) => v <= frame).length / Math.max(1, abs.length);
    const steady = r.offsetsMs.filter((_, i) => (r.gapsMs[i] ?? Infinity) <= 1.5 * REFRESH_MS).map(Math.abs).sort((a, b) => a - b);
    console.log(
      `A/V offsets (ms, + = lips late) n=${sorted.length} fps=${r.fps.toFixed(1)} rAF period=${frame.toFixed(1)}ms main=${r.frameMs.toFixed(2)}ms/frame: ` +
        `p5 ${quantile(sorted, 0.05)} p50 ${quantile(sorted, 0.5)} p95 ${quantile(sorted, 0.95)} max ${sorted[sorted.length - 1]}; ` +
        `|offset| p50 ${quantile(abs, 0.5)} p95 ${quantile(abs, 0.95)}, ${Math.round(withinFrame * 100)} % within a frame; ` +
        `no frame dropped before the lips: n=${steady.length} |offset| p95 ${quantile(steady, 0.95)}; ` +
        `all ${JSON.stringify(r.offsetsMs)}; lip frame gaps ${JSON.stringify(r.gapsMs)}; holds ${JSON.stringify(r.holdsMs)}`,
    );
    expect(sorted.length).toBeGreaterThanOrEqual(ONSETS * 0.8);
    // a frame shows the audio of the middle of its time on screen: lips within half a frame of the voice, either way
    expect(quantile(abs, 0.5)).toBeLessThanOrEqual(r.frameHoldMs / 2 + CLOCK_MARGIN_MS);
    // never early by more than half the frame's expected time on screen; late only by what a dropped frame (a longer
    // gap before the lips' first frame) forces. A box at load 20 also stalls the audio thread now and then (offsets
    // of 200–300 ms), hence "most", not "all".
    const onFrame = r.offsetsMs.filter((offset, i) => {
      const gap = r.gapsMs[i] ?? frame;
      const hold = r.holdsMs[i] ?? frame;
      return offset >= -hold / 2 - CLOCK_MARGIN_MS && offset <= gap - hold / 2 + CLOCK_MARGIN_MS;
    });
    expect(onFrame.length).toBeGreaterThanOrEqual(0.75 * r.offsetsMs.length);
    // where no frame was dropped just before the lips, they are within one refresh of the voice; judged only when
    // the box lets the loop run at ≥ 40 fps (at load 20 it ran at 8 fps and its audio thread stalled)
    if (steady.length >= 5 && r.fps >= 40) expect(quantile(steady, 0.95)).toBeLessThanOrEqual(REFRESH_MS + CLOCK_MARGIN_MS);
  });

  it("a barge-in returns the mouth to rest on the next frame", async () => {
    const runs: { framesToRest: number; msToRest: number }[] = [];
    for (let i = 0; i < 3; i++) {
      const b = (await page.evaluate("window.avBench.bargeIn()")) as { framesToRest: number; msToRest: number } | null;
      expect(b).not.toBeNull();
      if (b) runs.push(b);
    }
    console.log("barge-in → rest:", JSON.stringify(runs));
    for (const b of runs) expect(b.framesToRest).toBe(1);
  });
});
