import { ARKIT_52, BLENDSHAPE_INDEX, type BlendshapeName } from "@mirror/protocol";
import { FaceDetector } from "../face/detector.js";
import { FacePhoto } from "../kiosk/face/face-photo.js";
import { IdleLife } from "../kiosk/renderer/life.js";
import { FaceRenderer } from "../kiosk/renderer/renderer.js";
import type { HeadPose } from "../kiosk/renderer/rig.js";

/**
 * `/bench/double?size=W`: the double alone, for tests, screenshots and `mirror bench`. `window.doubleBench` loads a
 * photo through the same detection, check and mesh as the kiosk, poses it with named ARKit weights, and measures the
 * render loop (fps, main-thread ms per frame) while the mouth talks.
 */

const params = new URLSearchParams(location.search);
const width = Number(params.get("size") ?? 512) || 512;
const canvas = document.createElement("canvas");
canvas.width = width;
canvas.height = Math.round(width * 1.25);
canvas.dataset.testid = "double";
document.body.append(canvas);
const data = document.body.dataset;
const detector = new FaceDetector({
  worker: data.faceWorker ?? "/assets/face-worker.js",
  models: data.faceModels ?? "/models/human/",
  wasm: data.tfjsWasm ?? "/assets/tfjs-wasm/",
});
const photo = new FacePhoto(detector);
// `?background=magenta`: a colour no photo has, so any gap in the posed mesh shows
const renderer = new FaceRenderer(canvas, params.get("background") === "magenta" ? [1, 0, 1] : undefined);
const weights = new Float32Array(ARKIT_52.length);
const head: HeadPose = { pitch: 0, yaw: 0, roll: 0, gazeX: 0, gazeY: 0 };

async function load(url: string): Promise<{ ok: boolean; problem?: string; yaw?: number; faces?: number; ms: number }> {
  const bitmap = await createImageBitmap(await (await fetch(url)).blob());
  const a = await photo.analyse(bitmap);
  if (!a.ok) {
    bitmap.close();
    return { ok: false, problem: a.problem, ms: a.ms };
  }
  renderer.setFace(bitmap, a.model);
  bitmap.close();
  pose({});
  return { ok: true, yaw: a.layout.detection?.yaw ?? 0, faces: a.layout.detection?.faces ?? 1, ms: a.ms };
}

/** Draws the face with named ARKit weights and, optionally, a head pose (radians); unnamed ones are 0. */
function pose(named: Partial<Record<BlendshapeName, number>>, turn: Partial<HeadPose> = {}): void {
  weights.fill(0);
  for (const [k, v] of Object.entries(named)) weights[BLENDSHAPE_INDEX[k as BlendshapeName]] = v ?? 0;
  renderer.draw(weights, { pitch: 0, yaw: 0, roll: 0, gazeX: 0, gazeY: 0, ...turn });
}

/** Talks (jaw and lips on a 4 Hz syllable rhythm) with idle life for `ms`, and reports the loop's numbers. */
function run(ms: number): Promise<{ fps: number; frameMs: number; frames: number }> {
  const life = new IdleLife();
  const jaw = BLENDSHAPE_INDEX.jawOpen;
  const funnel = BLENDSHAPE_INDEX.mouthFunnel;
  return new Promise((resolve) => {
    const times: number[] = [];
    const work: number[] = [];
    const frame = (t: number) => {
      const t0 = performance.now();
      times.push(t);
      weights.fill(0);
      weights[jaw] = 0.35 + 0.3 * Math.sin(t / 40);
      weights[funnel] = 0.2 + 0.2 * Math.sin(t / 90);
      life.step(t, weights, head);
      renderer.draw(weights, head);
      work.push(performance.now() - t0);
      if (t - (times[0] ?? t) < ms) requestAnimationFrame(frame);
      else {
        const span = (times[times.length - 1] ?? 0) - (times[0] ?? 0);
        resolve({ fps: ((times.length - 1) * 1000) / span, frameMs: work.reduce((a, b) => a + b, 0) / work.length, frames: times.length });
      }
    };
    requestAnimationFrame(frame);
  });
}

Object.defineProperty(window, "doubleBench", { value: Object.freeze({ load, pose, run }), enumerable: false });
