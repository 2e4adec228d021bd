import type { DetectReply, DetectRequest, DetectionResult } from "./messages.js";

export interface DetectorUrls {
  worker: string;
  /** folder of the human models (blazeface, facemesh, iris), ending in "/" */
  models: string;
  /** folder of the tfjs wasm files, ending in "/" */
  wasm: string;
}

/** Main-thread handle of the detection worker: loads it once, then one detection at a time. */
export class FaceDetector {
  private worker: Worker | null = null;
  private ready: Promise<Uint16Array> | null = null;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (r: DetectionResult) => void; reject: (e: Error) => void }>();
  backend = "";
  loadMs = 0;

  constructor(private readonly urls: DetectorUrls) {}

  /** Starts the worker and loads the models (idempotent); resolves with the mesh triangulation. */
  load(): Promise<Uint16Array> {
    if (this.ready) return this.ready;
    const worker = new Worker(this.urls.worker, { type: "module" });
    this.worker = worker;
    this.ready = new Promise<Uint16Array>((resolve, reject) => {
      worker.onmessage = (e: MessageEvent<DetectReply>) => {
        const m = e.data;
        if (m.type === "ready") {
          this.backend = m.backend;
          this.loadMs = m.ms;
          resolve(m.triangulation);
        } else if (m.type === "result") this.settle(m.id, m.result, null);
        else if (m.id === null) reject(new Error(m.message));
        else this.settle(m.id, null, new Error(m.message));
      };
      worker.onerror = (e) => {
        const err = new Error(`face detector: ${e.message}`);
        reject(err);
        for (const id of [...this.waiting.keys()]) this.settle(id, null, err);
      };
    });
    // a failed load may be retried by the next call
    this.ready.catch(() => this.dispose());
    this.post({ type: "init", modelBase: this.urls.models, wasmBase: this.urls.wasm });
    return this.ready;
  }

  /** Detects faces in `image` (which is transferred to the worker and closed there). */
  async detect(image: ImageBitmap): Promise<DetectionResult> {
    await this.load();
    const id = this.nextId++;
    return new Promise<DetectionResult>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.post({ type: "detect", id, image }, [image]);
    });
  }

  dispose(): void {
    this.worker?.terminate();
    this.worker = null;
    this.ready = null;
    for (const id of [...this.waiting.keys()]) this.settle(id, null, new Error("face detector stopped"));
  }

  private settle(id: number, result: DetectionResult | null, err: Error | null): void {
    const w = this.waiting.get(id);
    if (!w) return;
    this.waiting.delete(id);
    if (result) w.resolve(result);
    else w.reject(err ?? new Error("face detector failed"));
  }

  private post(m: DetectRequest, transfer: Transferable[] = []): void {
    this.worker?.postMessage(m, transfer);
  }
}
