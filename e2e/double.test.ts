import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchRenderBrowser, screenshotDir, serveWebAssets } from "../packages/server/src/testing/browser.js";
import { drawFaces, encodePng, type FacePlacement } from "../scripts/lib/face-image.js";

/** Screenshots go to docs/ with MIRROR_REFRESH_DOCS=1, else to a temp dir. */
const shotDir = screenshotDir(join(import.meta.dirname, "..", "docs"));
let server: { base: string; close(): Promise<void> };
let browser: Browser;
/** one page for the face checks, poses and rotations (a magenta background shows any tear in the mesh) */
let page: Page;

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
  run(ms: number): Promise<{ fps: number; frameMs: number; frameMsP95: number; frameTaskMs: number; frameTaskMsP95: number; refreshMs: number; gapP95Ms: number; longTasks: number | null; frames: number }>;
}

beforeAll(async () => {
  server = await serveWebAssets(
    Object.fromEntries(
      Object.entries(PHOTOS).map(([name, p]) => [`/test/${name}.png`, { contentType: "image/png", body: encodePng(drawFaces(p.w, p.h, p.faces)) }]),
    ),
  );
  browser = await launchRenderBrowser();
  page = await open(512, "magenta");
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function open(size: number, background = ""): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: size, height: Math.round(size * 1.25) } });
  page.on("pageerror", (err) => console.error("page error:", err.message));
  await page.goto(`${server.base}/bench/double?size=${size}${background ? `&background=${background}` : ""}`);
  await page.waitForFunction("!!window.doubleBench");
  return page;
}

const load = (page: Page, name: string) => page.evaluate(`window.doubleBench.load("/test/${name}.png")`) as ReturnType<Bench["load"]>;

/**
 * Poses the double and, in the same task (the drawing buffer is still there), measures a region of the canvas:
 * the share of "eye white" pixels and the mean colour per pixel, plus the region's pixels for comparisons.
 */
async function region(page: Page, pose: Record<string, number>, box: [number, number, number, number]) {
  return drawn(page, `window.doubleBench.pose(${JSON.stringify(pose)})`, box);
}

/**
 * Runs `draw` in the page and, in the same task (the drawing buffer is still there), reads a region of the canvas:
 * its pixels, its "eye white" pixel count, and the magenta (background) pixels of the whole canvas.
 */
async function drawn(page: Page, draw: string, box: [number, number, number, number]) {
  const r = (await page.evaluate(`(() => {
    ${draw};
    const gl = document.querySelector("canvas");
    const c = document.createElement("canvas");
    c.width = gl.width; c.height = gl.height;
    const ctx = c.getContext("2d");
    ctx.drawImage(gl, 0, 0);
    const [x0, y0, x1, y1] = ${JSON.stringify(box)}.map((v, i) => Math.round(v * (i % 2 ? gl.height : gl.width)));
    const d = ctx.getImageData(x0, y0, x1 - x0, y1 - y0).data;
    let white = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] > 215 && d[i + 1] > 215 && d[i + 2] > 210) white++;
    const all = ctx.getImageData(0, 0, c.width, c.height).data;
    let holes = 0;
    for (let i = 0; i < all.length; i += 4) if (all[i] > 250 && all[i + 1] < 5 && all[i + 2] > 250) holes++;
    let bin = "";
    for (let i = 0; i < d.length; i += 8192) bin += String.fromCharCode(...d.subarray(i, i + 8192));
    return { white, holes, px: btoa(bin), w: x1 - x0 };
  })()`)) as { white: number; holes: number; px: string; w: number };
  return { ...r, px: new Uint8Array(Buffer.from(r.px, "base64")) };
}

/** The horizontal shift (px, + = right) that best maps region `a` onto `b` (grey levels, ±maxShift). */
function horizontalShift(a: Uint8Array, b: Uint8Array, w: number, maxShift: number): number {
  const grey = (px: Uint8Array, i: number) => ((px[i * 4] ?? 0) + (px[i * 4 + 1] ?? 0) + (px[i * 4 + 2] ?? 0)) / 3;
  const h = a.length / 4 / w;
  let best = 0;
  let bestErr = Infinity;
  for (let s = -maxShift; s <= maxShift; s++) {
    let err = 0;
    for (let y = 0; y < h; y += 2) {
      for (let x = maxShift; x < w - maxShift; x++) err += Math.abs(grey(a, y * w + x) - grey(b, y * w + x + s));
    }
    if (err < bestErr) [best, bestErr] = [s, err];
  }
  return best;
}

function meanDiff(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs((a[i] ?? 0) - (b[i] ?? 0));
  return sum / a.length;
}

describe("the double from a photo (headless Chromium, SwiftShader)", () => {
  it("finds exactly one face, or says why not", async () => {
    const results = Object.fromEntries(await Promise.all(Object.keys(PHOTOS).map(async (n) => [n, await load(page, n)] as const)));
    console.log("face checks:", JSON.stringify(results));
    expect(results.one?.ok).toBe(true);
    expect(results.turned?.ok).toBe(true);
    expect(results.none).toMatchObject({ ok: false, problem: "no-face" });
    // human's blazeface does not find these two smaller drawn faces at all: rejected, but as "no-face"
    // (the several-faces rule itself is pinned by face-check.test.ts)
    expect(results.two?.ok).toBe(false);
  });

  it("opens the mouth and closes the eyes on the rendered pixels; screenshots (docs/ with MIRROR_REFRESH_DOCS=1)", async () => {
    expect((await load(page, "one")).ok).toBe(true);
    const canvas = page.locator("canvas");
    const shots: [string, Record<string, number>][] = [
      ["double-closed.png", {}],
      ["double-open.png", { jawOpen: 0.7, mouthFunnel: 0.15 }],
      ["double-smile.png", { mouthSmileLeft: 0.8, mouthSmileRight: 0.8, jawOpen: 0.25, cheekSquintLeft: 0.4, cheekSquintRight: 0.4 }],
      ["double-blink.png", { eyeBlinkLeft: 1, eyeBlinkRight: 1 }],
    ];
    for (const [file, pose] of shots) {
      await page.evaluate(`window.doubleBench.pose(${JSON.stringify(pose)})`);
      writeFileSync(join(shotDir, file), await canvas.screenshot());
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
    writeFileSync(join(shotDir, "double-turned-open.png"), await canvas.screenshot());
  });

  it("turns the head and the eyes by a frame's rotations, without tearing at the face border", async () => {
    expect((await load(page, "one")).ok).toBe(true);
    const face: [number, number, number, number] = [0.2, 0.3, 0.8, 0.85];
    const eyes: [number, number, number, number] = [0.25, 0.4, 0.75, 0.5];
    const mouth: [number, number, number, number] = [0.3, 0.64, 0.7, 0.84];
    const frame = (r: number[], box: [number, number, number, number]) => drawn(page, `window.doubleBench.frame({}, ${JSON.stringify(r)})`, box);
    const rest = await frame([], face);
    // yaw > 0 turns toward the face's left, which is the image's right
    const turned = await frame([0.15, 0.04, 0.03], face);
    const eyesRest = await frame([], eyes);
    const eyesLeft = await frame([0, 0, 0, 0.3, 0, 0, 0.3, 0, 0], eyes);
    const mouthRest = await frame([], mouth);
    const mouthEyesLeft = await frame([0, 0, 0, 0.3, 0, 0, 0.3, 0, 0], mouth);
    const shift = horizontalShift(rest.px, turned.px, rest.w, 30);
    const irisShift = horizontalShift(eyesRest.px, eyesLeft.px, eyesRest.w, 12);
    console.log(
      `head turn: face region diff ${meanDiff(rest.px, turned.px).toFixed(1)}, shift ${shift}px, background px ${rest.holes} → ${turned.holes}; ` +
        `eyes turn: eye region diff ${meanDiff(eyesRest.px, eyesLeft.px).toFixed(2)} (shift ${irisShift}px), mouth region diff ${meanDiff(mouthRest.px, mouthEyesLeft.px).toFixed(2)}`,
    );
    expect(meanDiff(rest.px, turned.px)).toBeGreaterThan(3);
    expect(shift).toBeGreaterThan(0);
    // the outer ring fades the turn out to the border: not one background pixel shows through
    expect(turned.holes).toBe(rest.holes);
    expect(meanDiff(eyesRest.px, eyesLeft.px)).toBeGreaterThan(0.3);
    expect(irisShift).toBeGreaterThanOrEqual(0);
    expect(meanDiff(mouthRest.px, mouthEyesLeft.px)).toBeLessThan(0.05);
  });

  it("renders at ≥ 30 fps at 512² (and reports 1024²)", async () => {
    const fps: Record<number, Awaited<ReturnType<Bench["run"]>>> = {};
    for (const size of [512, 1024]) {
      const sized = await open(size);
      expect((await load(sized, "one")).ok).toBe(true);
      fps[size] = await sized.evaluate<Awaited<ReturnType<Bench["run"]>>>("window.doubleBench.run(3000)");
      await sized.close();
    }
    console.log("render:", JSON.stringify(fps));
    expect(fps[512]?.fps ?? 0).toBeGreaterThanOrEqual(30);
    expect(fps[1024]?.fps ?? 0).toBeGreaterThan(0);
  });
});
