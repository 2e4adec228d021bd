import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchRenderBrowser, screenshotDir, serveWebAssets } from "../packages/server/src/testing/browser.js";

/**
 * The double from real photos of people that are not in the repo (public-domain photos shipped in Debian packages,
 * unpacked by scripts/held-out-photos.sh, which `scripts/setup.sh --test` runs). Skipped, saying so, without them.
 */
const dir = process.env.MIRROR_HELD_OUT ?? "/var/cache/mirror/held-out-photos";
const FILES = ["grace_hopper.jpg", "astronaut.png", "camera.png", "chelsea.png"];
const present = FILES.every((f) => existsSync(join(dir, f)));
/** the face turned ~17° (added later: a cache from before it still runs the rest) */
const TURNED = "messi5.jpg";
const hasTurned = existsSync(join(dir, TURNED));
/** Screenshots go to docs/ with MIRROR_REFRESH_DOCS=1, else to a temp dir. */
const shotDir = screenshotDir(join(import.meta.dirname, "..", "docs"));

/** A photo as the kiosk would take it: a crop (x, y, w, h) of the file, or several files side by side. */
type Shot = { file: string; crop?: [number, number, number, number] } | { sideBySide: string[] };
const SHOTS: Record<string, Shot> = {
  hopper: { file: "grace_hopper.jpg" },
  collins: { file: "astronaut.png", crop: [100, 0, 248, 310] },
  profile: { file: "camera.png", crop: [150, 70, 128, 160] },
  cat: { file: "chelsea.png" },
  two: { sideBySide: ["grace_hopper.jpg", "astronaut.png"] },
  // a small face in a sports photo, cropped 4:5 around it as the kiosk's camera crop would
  messi: { file: TURNED, crop: [200, 60, 80, 100] },
};

let server: { base: string; close(): Promise<void> } | undefined;
let browser: Browser | undefined;
let page: Page;

beforeAll(async () => {
  if (!present) return;
  server = await serveWebAssets(
    Object.fromEntries([...FILES, ...(hasTurned ? [TURNED] : [])].map((f) => [`/held-out/${f}`, { contentType: f.endsWith(".png") ? "image/png" : "image/jpeg", body: new Uint8Array(readFileSync(join(dir, f))) }])),
  );
  browser = await launchRenderBrowser();
  page = await browser.newPage({ viewport: { width: 512, height: 640 } });
  page.on("pageerror", (err) => console.error("page error:", err.message));
  await page.goto(`${server.base}/bench/double?size=512&background=magenta`);
  await page.waitForFunction("!!window.doubleBench");
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Builds the shot in the page (crop or side by side) and loads it through the kiosk's detection, check and mesh. */
function load(name: string): Promise<{ ok: boolean; problem?: string; yaw?: number; faces?: number }> {
  const shot = SHOTS[name];
  return page.evaluate(`(async () => {
    const shot = ${JSON.stringify(shot)};
    const get = async (f) => createImageBitmap(await (await fetch("/held-out/" + f)).blob());
    let canvas;
    if (shot.sideBySide) {
      const imgs = await Promise.all(shot.sideBySide.map(get));
      const h = 400;
      const widths = imgs.map((i) => Math.round((i.width * h) / i.height));
      canvas = new OffscreenCanvas(widths.reduce((a, b) => a + b, 0), h);
      let x = 0;
      imgs.forEach((img, k) => { canvas.getContext("2d").drawImage(img, x, 0, widths[k], h); x += widths[k]; });
    } else {
      const img = await get(shot.file);
      const [x, y, w, h] = shot.crop ?? [0, 0, img.width, img.height];
      canvas = new OffscreenCanvas(w, h);
      canvas.getContext("2d").drawImage(img, x, y, w, h, 0, 0, w, h);
    }
    const url = URL.createObjectURL(await canvas.convertToBlob({ type: "image/png" }));
    return window.doubleBench.load(url);
  })()`);
}

/** Poses the double and, in the same task, counts canvas pixels of the background colour (where the mesh tore). */
async function holes(pose: Record<string, number>, head?: Record<string, number>): Promise<{ holes: number; px: number[] }> {
  return (await page.evaluate(`(() => {
    window.doubleBench.pose(${JSON.stringify(pose)}, ${JSON.stringify(head ?? {})});
    const gl = document.querySelector("canvas");
    const c = document.createElement("canvas");
    c.width = gl.width; c.height = gl.height;
    const ctx = c.getContext("2d");
    ctx.drawImage(gl, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    let holes = 0;
    // magenta background: outside the photo (letterbox, the same in every pose) or through a gap in the mesh
    for (let i = 0; i < d.length; i += 4) if (d[i] > 250 && d[i + 1] < 5 && d[i + 2] > 250) holes++;
    const eyes = ctx.getImageData(Math.round(c.width * 0.25), Math.round(c.height * 0.3), Math.round(c.width * 0.5), Math.round(c.height * 0.25)).data;
    return { holes, px: Array.from(eyes) };
  })()`)) as { holes: number; px: number[] };
}

function meanDiff(a: number[], b: number[]): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs((a[i] ?? 0) - (b[i] ?? 0));
  return sum / Math.max(1, a.length);
}

describe.skipIf(!present)(`the double from held-out photos of real people (${present ? dir : "absent: run scripts/held-out-photos.sh"})`, () => {
  it("accepts one face per photo of two people; a profile, a cat and two people get a clear re-take", async () => {
    const results: Record<string, unknown> = {};
    for (const name of Object.keys(SHOTS)) if (name !== "messi" || hasTurned) results[name] = await load(name);
    console.log("held-out face checks:", JSON.stringify(results));
    expect(results.hopper).toMatchObject({ ok: true, faces: 1 });
    expect(results.collins).toMatchObject({ ok: true, faces: 1 });
    expect(results.cat).toMatchObject({ ok: false, problem: "no-face" });
    expect(results.two).toMatchObject({ ok: false, problem: "several-faces" });
    expect(results.profile).toMatchObject({ ok: false });
    if (!hasTurned) console.warn(`no ${TURNED} in ${dir}: the turned face is not checked (run scripts/held-out-photos.sh)`);
    else {
      expect(results.messi).toMatchObject({ ok: true, faces: 1 });
      // turned ~17° by the detector's reckoning (yaw < 0: toward the image's left)
      expect(Math.abs((results.messi as { yaw?: number }).yaw ?? 0)).toBeGreaterThan(0.2);
    }
  });

  it("poses without tearing at the face border (jaw, smile, head turn) and blinks; screenshots (docs/ with MIRROR_REFRESH_DOCS=1)", async () => {
    for (const name of ["hopper", "collins", ...(hasTurned ? ["messi"] : [])]) {
      expect((await load(name)).ok).toBe(true);
      const rest = await holes({});
      const talking = await holes({ jawOpen: 0.7, mouthFunnel: 0.2, mouthSmileLeft: 0.5, mouthSmileRight: 0.5 }, { yaw: 0.2, pitch: 0.08, roll: 0.05 });
      const blink = await holes({ eyeBlinkLeft: 1, eyeBlinkRight: 1 });
      console.log(`${name}: background px at rest ${rest.holes}, talking+turned ${talking.holes}; eye region change on blink ${meanDiff(rest.px, blink.px).toFixed(2)}`);
      // the photo's letterbox (if any) is the same in every pose; a tear would add background pixels
      expect(talking.holes).toBe(rest.holes);
      // the turned face looks down at a ball: its lids are half down already, so a blink moves them less
      expect(meanDiff(rest.px, blink.px)).toBeGreaterThan(name === "messi" ? 0.08 : 0.5);
      if (name === "messi") {
        await page.evaluate(`window.doubleBench.pose({ jawOpen: 0.6, mouthFunnel: 0.15 }, { yaw: -0.1 })`);
        writeFileSync(join(shotDir, "double-photo-turned-open.png"), await page.locator("canvas").screenshot());
      }
    }
    expect((await load("collins")).ok).toBe(true);
    const canvas = page.locator("canvas");
    const shots: [string, Record<string, number>][] = [
      ["double-photo-closed.png", {}],
      ["double-photo-smile.png", { mouthSmileLeft: 0.8, mouthSmileRight: 0.8, jawOpen: 0.25, cheekSquintLeft: 0.4, cheekSquintRight: 0.4 }],
      ["double-photo-open.png", { jawOpen: 0.7, mouthFunnel: 0.15 }],
      ["double-photo-blink.png", { eyeBlinkLeft: 1, eyeBlinkRight: 1 }],
    ];
    for (const [file, pose] of shots) {
      await page.evaluate(`window.doubleBench.pose(${JSON.stringify(pose)})`);
      writeFileSync(join(shotDir, file), await canvas.screenshot());
    }
  });
});
