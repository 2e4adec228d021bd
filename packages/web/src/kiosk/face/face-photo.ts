import type { FaceLayout } from "@mirror/protocol";
import type { FaceDetector } from "../../face/detector.js";
import { buildFaceModel, type FaceModel } from "../renderer/face-model.js";
import { checkFace, type FaceProblem } from "./face-check.js";

export const DETECTOR_NAME = "human-3 blazeface+facemesh+iris";

export type FaceAnalysis =
  | { ok: true; layout: FaceLayout; model: FaceModel; ms: number }
  | { ok: false; problem: FaceProblem | "unavailable"; ms: number; error?: string };

/**
 * From a photo to the double's face: detection (in the worker), the usability check, the layout for the server and
 * the mesh for the renderer. Holds nothing of the visitor between calls.
 */
export class FacePhoto {
  constructor(private readonly detector: FaceDetector) {}

  /** Loads the detector ahead of time (the photo screen calls this as it opens). */
  preload(onError: (message: string) => void): void {
    this.detector.load().catch((e: unknown) => onError(`face detector: ${String(e)}`));
  }

  /** Analyses `image` (not consumed: a copy goes to the worker). */
  async analyse(image: ImageBitmap | HTMLVideoElement | HTMLCanvasElement): Promise<FaceAnalysis> {
    const t0 = performance.now();
    const aspect = image instanceof HTMLVideoElement ? image.videoHeight / image.videoWidth : image.height / image.width;
    try {
      const triangulation = await this.detector.load();
      const copy = await createImageBitmap(image);
      const result = await this.detector.detect(copy);
      const check = checkFace(result, DETECTOR_NAME);
      const ms = performance.now() - t0;
      if (!check.ok) return { ok: false, problem: check.problem, ms };
      return { ok: true, layout: check.layout, model: buildFaceModel(check.face.landmarks, triangulation, aspect), ms };
    } catch (e) {
      return { ok: false, problem: "unavailable", ms: performance.now() - t0, error: String(e) };
    }
  }
}
