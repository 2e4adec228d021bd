import { KioskApp } from "./app.js";
import { KioskSocket } from "./socket.js";

/** `?size=WxH` or `?size=W` (height = 1.25 W): the canvas's drawing size; CSS scales it to the screen. */
function canvasSize(param: string | null): { width: number; height: number } {
  const m = /^(\d{2,4})(?:x(\d{2,4}))?$/.exec(param ?? "");
  if (!m) return { width: 512, height: 640 };
  const width = Number(m[1]);
  return { width, height: m[2] ? Number(m[2]) : Math.round(width * 1.25) };
}

const params = new URLSearchParams(location.search);
const root = document.getElementById("app");
if (!root) throw new Error("kiosk page without #app");
const app = new KioskApp(root, {
  wsUrl: KioskSocket.urlFor(location),
  captureWorkletUrl: document.body.dataset.captureWorklet ?? "/assets/capture-worklet.js",
  playerWorkletUrl: document.body.dataset.playerWorklet ?? "/assets/player-worklet.js",
  face: {
    worker: document.body.dataset.faceWorker ?? "/assets/face-worker.js",
    models: document.body.dataset.faceModels ?? "/models/human/",
    wasm: document.body.dataset.tfjsWasm ?? "/assets/tfjs-wasm/",
  },
  size: canvasSize(params.get("size")),
  autostart: params.get("autostart") === "1" || params.get("autopilot") === "1",
  autopilot: params.get("autopilot") === "1",
  measure: params.get("measure") === "1",
  booth: params.get("booth"),
  ...(document.body.dataset.earsWorker ? { earsWorker: document.body.dataset.earsWorker } : {}),
});
app.run();
