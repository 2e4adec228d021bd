import { ARKIT_52, BLENDSHAPE_INDEX, BinaryKind, LIP_FPS, OUTPUT_SAMPLE_RATE } from "@mirror/protocol";
import { FaceDetector } from "../face/detector.js";
import { ReplyPlayer, type PlayerEvent } from "../kiosk/audio/player.js";
import { AvMeter } from "../kiosk/av-meter.js";
import { FacePhoto } from "../kiosk/face/face-photo.js";
import { Animator, type RenderedFrame } from "../kiosk/renderer/animator.js";
import { FaceRenderer } from "../kiosk/renderer/renderer.js";
import { MouthWatch } from "../kiosk/renderer/mouth-watch.js";
import { FrameTimeline } from "../kiosk/renderer/timeline.js";

/**
 * `/bench/av?size=W`: the kiosk's own audio player, timeline, render loop and A/V meter, fed with replies whose voice
 * and lips start at a known sample. `window.avBench.onsets(n)` plays n of them and returns the A/V offsets measured
 * on the rendered pixels; `window.avBench.bargeIn()` cuts a reply mid-word and counts the frames until the mouth's
 * pixels are back at rest.
 */

const data = document.body.dataset;
const params = new URLSearchParams(location.search);
const width = Number(params.get("size") ?? 512) || 512;
const canvas = document.createElement("canvas");
canvas.width = width;
canvas.height = Math.round(width * 1.25);
document.body.append(canvas);

const RATE = OUTPUT_SAMPLE_RATE;
const HOLD = Math.round((RATE * 4) / LIP_FPS);
/** mouth pixels changed beyond this share: visibly moving (as the kiosk's meter counts it) */
const MOVING = 0.02;

const photo = new FacePhoto(new FaceDetector({ worker: data.faceWorker ?? "", models: data.faceModels ?? "", wasm: data.tfjsWasm ?? "" }));
const renderer = new FaceRenderer(canvas);
const timeline = new FrameTimeline();
const flushed = new Set<number>();
const events: PlayerEvent[] = [];
const player = new ReplyPlayer(data.playerWorklet ?? "", (e) => events.push(e), (m) => console.error(m));
const meter = new AvMeter(true, player, 1000);
const mouthWatch = new MouthWatch(renderer);
let last: { frame: RenderedFrame; changed: number } | null = null;
/** rAF time of the last frame drawn (its pixels come back later) */
let lastDrawnAt = -Infinity;
const frameListeners: ((f: RenderedFrame, changed: number) => void)[] = [];
const animator = new Animator(
  renderer,
  timeline,
  (at) => {
    const p = player.position(at);
    return p && !flushed.has(p.turnId) ? p : null;
  },
  HOLD,
  (f) => {
    lastDrawnAt = f.time;
    for (const { frame, changed } of mouthWatch.frame(f)) {
      meter.rendered(frame, changed);
      last = { frame, changed };
      for (const l of [...frameListeners]) l(frame, changed);
    }
  },
);
animator.life.still = true;

async function load(url: string): Promise<{ ok: boolean; problem?: string }> {
  const bitmap = await createImageBitmap(await (await fetch(url)).blob());
  const a = await photo.analyse(bitmap);
  if (a.ok) renderer.setFace(bitmap, a.model);
  bitmap.close();
  player.unlock();
  animator.start();
  return a.ok ? { ok: true } : { ok: false, problem: a.problem };
}

/**
 * One reply: `silentMs` of silence, then a voiced tone; face frames at LIP_FPS plus a step at the voice's onset
 * (closed one sample before, open on it), so voice and mouth start on the same sample whatever the frame grid.
 */
function sendReply(turnId: number, silentMs: number, voicedMs: number): void {
  const onset = Math.round((silentMs / 1000) * RATE);
  const total = onset + Math.round((voicedMs / 1000) * RATE);
  const pcm = new Int16Array(total);
  for (let i = onset; i < total; i++) pcm[i] = Math.round(9000 * Math.sin((2 * Math.PI * 180 * (i - onset)) / RATE));
  const step = RATE / LIP_FPS;
  const frames: { sample: number; w: number[] }[] = [];
  const face = (sample: number) => {
    const w = new Array<number>(ARKIT_52.length).fill(0);
    if (sample >= onset) w[BLENDSHAPE_INDEX.jawOpen] = 0.6;
    frames.push({ sample, w });
  };
  for (let s = 0; s < total; s += step) {
    const sample = Math.round(s);
    if (sample >= onset - 1 && frames.every((f) => f.sample !== onset)) {
      face(onset - 1);
      face(onset);
    }
    if (sample !== onset - 1 && sample !== onset) face(sample);
  }
  timeline.add(turnId, frames);
  meter.frames(turnId, frames);
  const chunk = RATE / 50;
  for (let s = 0; s < total; s += chunk) {
    const part = pcm.subarray(s, Math.min(total, s + chunk));
    meter.audio({ kind: BinaryKind.replyAudio, turnId, sample: s, payload: new Uint8Array(part.buffer, part.byteOffset, part.byteLength) });
    player.push(turnId, s, part);
  }
  player.end(turnId);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    if (check()) return true;
    await sleep(20);
  }
  return false;
}

let nextTurn = 1;

/** Plays `n` replies one after another (random silent lead-in, so onsets fall at every phase of the render loop). */
async function onsets(n: number): Promise<{ offsetsMs: number[]; gapsMs: number[]; holdsMs: number[]; pipelineMs: number[]; frameMs: number; fps: number; frameIntervalMs: number; frameHoldMs: number }> {
  const before = meter.offsetsMs.length;
  for (let i = 0; i < n; i++) {
    const turnId = nextTurn++;
    sendReply(turnId, 120 + Math.random() * 80, 260);
    await until(() => events.some((e) => e.turnId === turnId && e.type === "ended"), 5000);
    await sleep(60 + Math.random() * 40);
    timeline.drop(turnId);
  }
  return {
    offsetsMs: meter.offsetsMs.slice(before),
    gapsMs: meter.lipFrameGapsMs.slice(before),
    holdsMs: meter.lipFrameHoldsMs.slice(before),
    pipelineMs: [...meter.pipelineOffsetsMs],
    frameMs: animator.frameWorkMs,
    fps: animator.fps,
    frameIntervalMs: animator.frameInterval,
    frameHoldMs: animator.frameHold,
  };
}

/**
 * Cuts a talking reply as the kiosk does on an interrupt (the turn is dropped from the clock, the player and the
 * timeline at once) and counts the frames drawn until the mouth's pixels are back at rest.
 */
async function bargeIn(): Promise<{ framesToRest: number; msToRest: number } | null> {
  const turnId = nextTurn++;
  sendReply(turnId, 50, 3000);
  if (!(await until(() => (last?.changed ?? 0) > MOVING, 3000))) return null;
  await sleep(200);
  let frames = 0;
  const t0 = performance.now();
  const cutAfter = lastDrawnAt;
  const done = new Promise<{ framesToRest: number; msToRest: number }>((resolve) => {
    const listen = (f: RenderedFrame, changed: number) => {
      // pixels read back late may belong to frames drawn before the cut
      if (f.time <= cutAfter) return;
      frames++;
      if (changed <= MOVING || !f.position) {
        frameListeners.splice(frameListeners.indexOf(listen), 1);
        resolve({ framesToRest: frames, msToRest: f.shownAt - t0 });
      }
    };
    frameListeners.push(listen);
  });
  flushed.add(turnId);
  player.flush(turnId);
  timeline.drop(turnId);
  return Promise.race([done, sleep(3000).then(() => null)]);
}

Object.defineProperty(window, "avBench", { value: Object.freeze({ load, onsets, bargeIn }), enumerable: false });
