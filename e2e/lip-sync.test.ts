import { createServer, type Server } from "node:http";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWebAssets } from "@mirror/web";
import { drawFaces, encodePng } from "../scripts/lib/face-image.js";

/**
 * Lips against the voice in the browser: the kiosk's own player, timeline, render loop and A/V meter (`/bench/av`),
 * with replies whose voice and mouth start at the same sample. Offsets are measured on the rendered pixels of the
 * mouth against the time the worklet says the voice's first sample is heard (its output timestamp).
 * Re-measure on a quiet machine: `AV_ONSETS=100 npx vitest run --project e2e e2e/lip-sync.test.ts`.
 */

let http: Server;
let base = "";
let browser: Browser;
let page: Page;
const ONSETS = Number(process.env.AV_ONSETS ?? 24);

beforeAll(async () => {
  const assets = await buildWebAssets();
  assets.set("/test/face.png", { contentType: "image/png", body: encodePng(drawFaces(512, 640, [{ cx: 256, cy: 320, width: 512 }])) });
  http = createServer((req, res) => {
    const a = assets.get(new URL(req.url ?? "/", "http://x").pathname);
    res.writeHead(a ? 200 : 404, { "content-type": a?.contentType ?? "text/plain" });
    res.end(a?.body ?? "not found");
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--enable-unsafe-swiftshader", "--autoplay-policy=no-user-gesture-required"],
  });
  page = await browser.newPage({ viewport: { width: 512, height: 640 } });
  page.on("pageerror", (err) => console.error("page error:", err.message));
  await page.goto(`${base}/bench/av?size=512`);
  await page.waitForFunction("!!window.avBench");
  expect(await page.evaluate(`window.avBench.load("/test/face.png")`)).toEqual({ ok: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => http?.close(resolve));
});

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

describe("lip motion against the voice (headless Chromium, rendered pixels, audio clock)", () => {
  it("the lips start moving within a frame of the voice", async () => {
    const r = (await page.evaluate(`window.avBench.onsets(${ONSETS})`)) as { offsetsMs: number[]; fps: number; frameMs: number };
    const sorted = [...r.offsetsMs].sort((a, b) => a - b);
    const abs = r.offsetsMs.map(Math.abs).sort((a, b) => a - b);
    const frame = 1000 / Math.max(1, r.fps);
    const withinFrame = abs.filter((v) => v <= frame).length / Math.max(1, abs.length);
    console.log(
      `A/V offsets (ms, + = lips late) n=${sorted.length} fps=${r.fps.toFixed(1)} frame=${frame.toFixed(1)}ms main=${r.frameMs.toFixed(2)}ms: ` +
        `min ${sorted[0]} p50 ${quantile(sorted, 0.5)} p95 ${quantile(sorted, 0.95)} max ${sorted[sorted.length - 1]}; ` +
        `|offset| p50 ${quantile(abs, 0.5)} p95 ${quantile(abs, 0.95)}, ${Math.round(withinFrame * 100)} % within a frame; all ${JSON.stringify(r.offsetsMs)}`,
    );
    expect(sorted.length).toBeGreaterThanOrEqual(ONSETS * 0.8);
    expect(quantile(abs, 0.5)).toBeLessThanOrEqual(frame);
    // a loaded 2-core box drops frames (one run at load 17: p95 = 2.0 frames): the tail is bounded, not the target
    expect(quantile(abs, 0.95)).toBeLessThanOrEqual(3 * frame);
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
