import { Human, type Config } from "@vladmandic/human";
import type { DetectReply, DetectRequest, DetectedFace, DetectionResult } from "./messages.js";

/**
 * The face detector, off the main thread: @vladmandic/human (blazeface + facemesh + iris, 478 landmarks) on the
 * tfjs wasm backend, with its models and wasm files served by Mirror itself. The double needs the photo's landmarks
 * once; the render loop never waits for this worker.
 */

/** The worker's global scope, as far as this file uses it (the project is typed for the DOM, not WebWorker). */
const scope = self as unknown as {
  postMessage(m: DetectReply, transfer: Transferable[]): void;
  onmessage: ((e: MessageEvent<DetectRequest>) => void) | null;
};

const MAX_FACES = 4;
let human: Human | null = null;
let canvas: OffscreenCanvas | null = null;

function config(modelBase: string, wasmBase: string): Partial<Config> {
  return {
    backend: "wasm",
    wasmPath: wasmBase,
    modelBasePath: modelBase,
    cacheModels: false,
    debug: false,
    async: true,
    warmup: "none",
    filter: { enabled: false },
    face: {
      enabled: true,
      detector: { enabled: true, rotation: true, maxDetected: MAX_FACES, minConfidence: 0.3, minSize: 0, iouThreshold: 0.1, return: false },
      mesh: { enabled: true },
      iris: { enabled: true },
      attention: { enabled: false },
      description: { enabled: false },
      emotion: { enabled: false },
      antispoof: { enabled: false },
      liveness: { enabled: false },
    },
    body: { enabled: false },
    hand: { enabled: false },
    object: { enabled: false },
    gesture: { enabled: false },
    segmentation: { enabled: false },
  } as Partial<Config>;
}

async function init(modelBase: string, wasmBase: string): Promise<void> {
  const t0 = performance.now();
  const h = new Human(config(modelBase, wasmBase));
  await h.load();
  await h.init();
  human = h;
  const tri = Uint16Array.from(h.faceTriangulation);
  post({ type: "ready", backend: h.tf.getBackend(), triangulation: tri, ms: performance.now() - t0 }, [tri.buffer]);
}

async function detect(id: number, image: ImageBitmap): Promise<void> {
  if (!human) throw new Error("detector not initialised");
  const t0 = performance.now();
  const { width, height } = image;
  if (!canvas || canvas.width !== width || canvas.height !== height) canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  if (!ctx) throw new Error("no 2d context in the worker");
  ctx.drawImage(image, 0, 0);
  image.close();
  const meanLuma = luma(ctx.getImageData(0, 0, width, height).data);
  const res = await human.detect(canvas);
  const faces: DetectedFace[] = [];
  for (const f of res.face) {
    if (f.mesh.length < 468) continue;
    const landmarks = new Float32Array(f.mesh.length * 3);
    f.mesh.forEach((p, i) => {
      landmarks[i * 3] = p[0] / width;
      landmarks[i * 3 + 1] = p[1] / height;
      landmarks[i * 3 + 2] = (p[2] ?? 0) / width;
    });
    const a = f.rotation?.angle;
    faces.push({
      score: f.score,
      box: [f.box[0] / width, f.box[1] / height, f.box[2] / width, f.box[3] / height],
      landmarks,
      yaw: a?.yaw ?? 0,
      pitch: a?.pitch ?? 0,
      roll: a?.roll ?? 0,
    });
  }
  const result: DetectionResult = { faces, meanLuma, ms: performance.now() - t0 };
  post({ type: "result", id, result }, faces.map((f) => f.landmarks.buffer as ArrayBuffer));
}

/** Mean luma over a sparse grid of pixels. */
function luma(px: Uint8ClampedArray): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < px.length; i += 4 * 17) {
    sum += 0.299 * (px[i] ?? 0) + 0.587 * (px[i + 1] ?? 0) + 0.114 * (px[i + 2] ?? 0);
    n++;
  }
  return n ? sum / n : 0;
}

function post(m: DetectReply, transfer: Transferable[] = []): void {
  scope.postMessage(m, transfer);
}

scope.onmessage = (e: MessageEvent<DetectRequest>) => {
  const m = e.data;
  const run = m.type === "init" ? init(m.modelBase, m.wasmBase) : detect(m.id, m.image);
  run.catch((err: unknown) => post({ type: "error", id: m.type === "detect" ? m.id : null, message: String(err) }));
};
