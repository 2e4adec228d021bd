/** Messages between the kiosk and its face-detection worker (types only). */

/** One detected face, in normalized image coordinates (x, y in 0..1 of width / height; z in units of the width). */
export interface DetectedFace {
  /** overall score (detector × mesh), 0..1 */
  score: number;
  /** face box: left, top, width, height (0..1) */
  box: [number, number, number, number];
  /** 478 landmarks (468 mesh + 10 iris), x,y,z interleaved */
  landmarks: Float32Array;
  /** head rotation (radians): yaw > 0 turns to the image's right */
  yaw: number;
  pitch: number;
  roll: number;
}

export interface DetectionResult {
  faces: DetectedFace[];
  /** mean luma of the image (0..255), for "too dark" */
  meanLuma: number;
  /** how long the detection took in the worker (ms) */
  ms: number;
}

export type DetectRequest =
  | { type: "init"; modelBase: string; wasmBase: string }
  | { type: "detect"; id: number; image: ImageBitmap };

export type DetectReply =
  | { type: "ready"; backend: string; triangulation: Uint16Array; ms: number }
  | { type: "result"; id: number; result: DetectionResult }
  | { type: "error"; id: number | null; message: string };
