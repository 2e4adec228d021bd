import { mkdirSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWebAssets } from "@mirror/web";
import { drawFaces, encodePng, type FacePlacement } from "../scripts/lib/face-image.js";

const docs = join(import.meta.dirname, "..", "docs");
let http: Server;
let base = "";
let browser: Browser;

/** Drawn test photos (no real person): one face, one turned, two faces, none. */
const PHOTOS: Record<string, { w: number; h: number; faces: FacePlacement[] }> = {
  one: { w: 512, h: 640, faces: [{ cx: 256, cy: 320, width: 512 }] },
  turned: { w: 512, h: 640, faces: [{ cx: 256, cy: 320, width: 512, turn: 0.6 }] },
  two: { w: 800, h: 500, faces: [{ cx: 200, cy: 250, width: 340 }, { cx: 600, cy: 250, width: 340, skin: [190, 140, 110] }] },
  none: { w: 512, h: 640, faces: [] },
};

interface Bench {
  load(url: string): Promise<{ ok: boolean; problem?: string; yaw?: number; ms: number }>;
  pose(w: Record<string, number>): void;
  run(ms: number): Promise<{ fps: number; frameMs: number; frames: number }>;
}

beforeAll(async () => {
  const assets = await buildWebAssets();
  for (const [name, p] of Object.entries(PHOTOS)) {
    assets.set(`/test/${name}.png`, { contentType: "image/png", body: encodePng(drawFaces(p.w, p.h, p.faces)) });
  }
  http = createServer((req, res) => {
    const a = assets.get(new URL(req.url ?? "/", "http://x").pathname);
    res.writeHead(a ? 200 : 404, { "content-type": a?.contentType ?? "text/plain" });
    res.end(a?.body ?? "not found");
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--enable-unsafe-swiftshader"] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => http?.close(resolve));
});

async function open(size: number): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: size, height: Math.round(size * 1.25) } });
  page.on("pageerror", (err) => console.error("page error:", err.message));
  await page.goto(`${base}/bench/double?size=${size}`);
  await page.waitForFunction("!!window.doubleBench");
  return page;
}

const load = (page: Page, name: string) => page.evaluate(`window.doubleBench.load("/test/${name}.png")`) as ReturnType<Bench["load"]>;

/**
 * Poses the double and, in the same task (the drawing buffer is still there), measures a region of the canvas:
 * the share of "eye white" pixels and the mean colour per pixel, plus the region's pixels for comparisons.
 */
async function region(page: Page, pose: Record<string, number>, box: [number, number, number, number]) {
  return (await page.evaluate(`(() => {
    window.doubleBench.pose(${JSON.stringify(pose)});
    const gl = document.querySelector("canvas");
    const c = document.createElement("canvas");
    c.width = gl.width; c.height = gl.height;
    const ctx = c.getContext("2d");
    ctx.drawImage(gl, 0, 0);
    const [x0, y0, x1, y1] = ${JSON.stringify(box)}.map((v, i) => Math.round(v * (i % 2 ? gl.height : gl.width)));
    const d = ctx.getImageData(x0, y0, x1 - x0, y1 - y0).data;
    let white = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] > 215 && d[i + 1] > 215 && d[i + 2] > 210) white++;
    return { white, px: Array.from(d) };
  })()`)) as { white: number; px: number[] };
}

function meanDiff(a: number[], b: number[]): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs((a[i] ?? 0) - (b[i] ?? 0));
  return sum / a.length;
}

describe("the double from a photo (headless Chromium, SwiftShader)", () => {
  it("finds exactly one face, or says why not", async () => {
    const page = await open(512);
    const results = Object.fromEntries(await Promise.all(Object.keys(PHOTOS).map(async (n) => [n, await load(page, n)] as const)));
    console.log("face checks:", JSON.stringify(results));
    expect(results.one?.ok).toBe(true);
    expect(results.turned?.ok).toBe(true);
    expect(results.none).toMatchObject({ ok: false, problem: "no-face" });
    // human's blazeface does not find these two smaller drawn faces at all: rejected, but as "no-face"
    // (the several-faces rule itself is pinned by face-check.test.ts)
    expect(results.two?.ok).toBe(false);
    await page.close();
  });

  it("opens the mouth and closes the eyes on the rendered pixels; screenshots go to docs/", async () => {
    const page = await open(512);
    expect((await load(page, "one")).ok).toBe(true);
    mkdirSync(docs, { recursive: true });
    const canvas = page.locator("canvas");
    const shots: [string, Record<string, number>][] = [
      ["double-closed.png", {}],
      ["double-open.png", { jawOpen: 0.7, mouthFunnel: 0.15 }],
      ["double-smile.png", { mouthSmileLeft: 0.8, mouthSmileRight: 0.8, jawOpen: 0.25, cheekSquintLeft: 0.4, cheekSquintRight: 0.4 }],
      ["double-blink.png", { eyeBlinkLeft: 1, eyeBlinkRight: 1 }],
    ];
    for (const [file, pose] of shots) {
      await page.evaluate(`window.doubleBench.pose(${JSON.stringify(pose)})`);
      writeFileSync(join(docs, file), await canvas.screenshot());
    }
    const mouthBox: [number, number, number, number] = [0.3, 0.64, 0.7, 0.84];
    const eyesBox: [number, number, number, number] = [0.25, 0.4, 0.75, 0.5];
    const silent = await region(page, {}, mouthBox);
    const voiced = await region(page, { jawOpen: 0.6, mouthFunnel: 0.2 }, mouthBox);
    const eyesOpen = await region(page, {}, eyesBox);
    const blink = await region(page, { eyeBlinkLeft: 1, eyeBlinkRight: 1 }, eyesBox);
    console.log(`mouth diff ${meanDiff(silent.px, voiced.px).toFixed(1)}; eye-white px open ${eyesOpen.white}, blink ${blink.white}`);
    expect(meanDiff(silent.px, voiced.px)).toBeGreaterThan(8);
    expect(eyesOpen.white).toBeGreaterThan(500);
    // the lids come down over the eyes; on drawn eyes (no lid crease) a thin arc of white stays below the lid line
    expect(blink.white).toBeLessThan(eyesOpen.white * 0.5);

    expect((await load(page, "turned")).ok).toBe(true);
    await page.evaluate(`window.doubleBench.pose({ jawOpen: 0.5 })`);
    writeFileSync(join(docs, "double-turned-open.png"), await canvas.screenshot());
    await page.close();
  });

  it("renders at ≥ 30 fps at 512² (and reports 1024²)", async () => {
    const fps: Record<number, { fps: number; frameMs: number }> = {};
    for (const size of [512, 1024]) {
      const page = await open(size);
      expect((await load(page, "one")).ok).toBe(true);
      fps[size] = (await page.evaluate("window.doubleBench.run(3000)")) as { fps: number; frameMs: number };
      await page.close();
    }
    console.log("render:", JSON.stringify(fps));
    expect(fps[512]?.fps ?? 0).toBeGreaterThanOrEqual(30);
    expect(fps[1024]?.fps ?? 0).toBeGreaterThan(0);
  });
});
