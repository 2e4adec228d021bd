import { ARKIT_52, BLENDSHAPE_INDEX, HEAD_ROTATIONS, type BlendshapeName } from "@mirror/protocol";
import { FaceDetector } from "../face/detector.js";
import { FacePhoto } from "../kiosk/face/face-photo.js";
import { addRotations } from "../kiosk/renderer/animator.js";
import { IdleLife } from "../kiosk/renderer/life.js";
import { FaceRenderer } from "../kiosk/renderer/renderer.js";
import type { HeadPose } from "../kiosk/renderer/rig.js";
import { FrameTimeline } from "../kiosk/renderer/timeline.js";

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

/**
 * Draws a face frame as the kiosk does: named weights and the 9 head/eye rotations (HEAD_ROTATIONS) go through the
 * frame timeline and onto the still head, as the render loop puts them.
 */
function frame(named: Partial<Record<BlendshapeName, number>>, rotations: readonly number[] = []): void {
  const w = new Array<number>(ARKIT_52.length).fill(0);
  for (const [k, v] of Object.entries(named)) w[BLENDSHAPE_INDEX[k as BlendshapeName]] = v ?? 0;
  const r = Array.from({ length: HEAD_ROTATIONS.length }, (_, i) => rotations[i] ?? 0);
  const timeline = new FrameTimeline();
  timeline.add(1, [{ sample: 0, w, r }]);
  const rot = new Float32Array(HEAD_ROTATIONS.length);
  timeline.at(1, 0, weights, 0, rot);
  const still: HeadPose = { pitch: 0, yaw: 0, roll: 0, gazeX: 0, gazeY: 0 };
  addRotations(rot, weights, still);
  renderer.draw(weights, still);
}

/** Talks (jaw and lips on a 4 Hz syllable rhythm) with idle life for `ms`, and reports the loop's numbers. */
function run(ms: number): Promise<RunStats> {
  const life = new IdleLife();
  const jaw = BLENDSHAPE_INDEX.jawOpen;
  const funnel = BLENDSHAPE_INDEX.mouthFunnel;
  // main-thread tasks over 50 ms (anything that can hold a frame back), where the browser reports them
  let longTasks = 0;
  let observer: PerformanceObserver | null = null;
  try {
    observer = new PerformanceObserver((list) => (longTasks += list.getEntries().length));
    observer.observe({ type: "longtask", buffered: false });
  } catch {
    observer = null;
  }
  // the whole frame on the main thread: from the rAF callback to the next task, after the browser's rendering step
  // (style, paint, the canvas handed to the compositor, which blocks when the GPU process lags behind)
  const tasks: number[] = [];
  let frameStart = 0;
  const channel = new MessageChannel();
  channel.port1.onmessage = () => tasks.push(performance.now() - frameStart);
  return new Promise((resolve) => {
    const times: number[] = [];
    const work: number[] = [];
    const frame = (t: number) => {
      const t0 = performance.now();
      frameStart = t0;
      channel.port2.postMessage(0);
      times.push(t);
      weights.fill(0);
      weights[jaw] = 0.35 + 0.3 * Math.sin(t / 40);
      weights[funnel] = 0.2 + 0.2 * Math.sin(t / 90);
      life.step(t, weights, head);
      renderer.draw(weights, head);
      work.push(performance.now() - t0);
      if (t - (times[0] ?? t) < ms) requestAnimationFrame(frame);
      else {
        observer?.disconnect();
        const span = (times[times.length - 1] ?? 0) - (times[0] ?? 0);
        const gaps = times.slice(1).map((v, i) => v - (times[i] ?? v)).sort((a, b) => a - b);
        const sortedWork = [...work].sort((a, b) => a - b);
        const sortedTasks = [...tasks].sort((a, b) => a - b);
        channel.port1.close();
        resolve({
          fps: ((times.length - 1) * 1000) / span,
          frameMs: work.reduce((a, b) => a + b, 0) / work.length,
          frameMsP95: sortedWork[Math.floor(0.95 * (sortedWork.length - 1))] ?? 0,
          frameTaskMs: tasks.reduce((a, b) => a + b, 0) / Math.max(1, tasks.length),
          frameTaskMsP95: sortedTasks[Math.floor(0.95 * (sortedTasks.length - 1))] ?? 0,
          refreshMs: gaps[Math.floor(0.25 * (gaps.length - 1))] ?? 0,
          gapP95Ms: gaps[Math.floor(0.95 * (gaps.length - 1))] ?? 0,
          longTasks: observer ? longTasks : null,
          frames: times.length,
        });
      }
    };
    requestAnimationFrame(frame);
  });
}

/** The render loop's numbers: fps, main-thread ms per frame (mean, p95: choosing, posing, GL calls), frame gaps. */
interface RunStats {
  fps: number;
  frameMs: number;
  frameMsP95: number;
  /** mean and p95 main-thread ms from the rAF callback to the next task (the browser's rendering step included) */
  frameTaskMs: number;
  frameTaskMsP95: number;
  /** the display refresh as the loop sees it (lower-quartile frame gap) and the p95 gap (dropped frames) */
  refreshMs: number;
  gapP95Ms: number;
  /** main-thread tasks over 50 ms during the run (null: the browser does not report them) */
  longTasks: number | null;
  frames: number;
}

Object.defineProperty(window, "doubleBench", { value: Object.freeze({ load, pose, frame, run }), enumerable: false });
