import type { FaceDetection, FaceLayout } from "@mirror/protocol";
import type { DetectedFace, DetectionResult } from "../../face/messages.js";
import { EYES, FACE_SIDES, IRIS_CENTRES, LIPS } from "../renderer/landmarks.js";

/** Why a photo cannot make a double; each has a re-take message in both languages (i18n `face.*`). */
export type FaceProblem = "no-face" | "several-faces" | "too-small" | "too-close" | "turned" | "off-centre" | "too-dark";

/** Limits of a usable photo (fractions of the photo; radians). A face turned ~20° still passes. */
export const FACE_LIMITS = {
  minScore: 0.5,
  /** a second face counts from this score on */
  otherFaceScore: 0.6,
  /** cheek-to-cheek width, of the photo's width */
  minWidth: 0.28,
  maxWidth: 0.9,
  maxYaw: 0.45,
  maxPitch: 0.4,
  maxRoll: 0.35,
  /** the face centre stays this far from the photo's edges */
  margin: 0.22,
  minLuma: 45,
} as const;

export type FaceCheck =
  | { ok: true; face: DetectedFace; layout: FaceLayout }
  | { ok: false; problem: FaceProblem; faces: number };

/** Decides whether the detector's result makes a double, and if so, the layout sent to the server. */
export function checkFace(r: DetectionResult, detector: string): FaceCheck {
  const faces = r.faces.filter((f) => f.score >= FACE_LIMITS.minScore);
  const strong = faces.filter((f) => f.score >= FACE_LIMITS.otherFaceScore);
  if (faces.length === 0) return { ok: false, problem: "no-face", faces: 0 };
  if (strong.length > 1) return { ok: false, problem: "several-faces", faces: strong.length };
  const face = strong[0] ?? faces[0];
  if (!face) return { ok: false, problem: "no-face", faces: 0 };
  const L = face.landmarks;
  const x = (i: number) => L[i * 3] ?? 0;
  const y = (i: number) => L[i * 3 + 1] ?? 0;
  const width = Math.abs(x(FACE_SIDES[1]) - x(FACE_SIDES[0]));
  const problem = (p: FaceProblem): FaceCheck => ({ ok: false, problem: p, faces: strong.length || 1 });
  if (r.meanLuma < FACE_LIMITS.minLuma) return problem("too-dark");
  if (width < FACE_LIMITS.minWidth) return problem("too-small");
  if (width > FACE_LIMITS.maxWidth) return problem("too-close");
  const cx = (x(FACE_SIDES[0]) + x(FACE_SIDES[1])) / 2;
  const cy = (y(EYES[0].corners[0]) + y(LIPS.lowerCentre)) / 2;
  const m = FACE_LIMITS.margin;
  if (cx < m || cx > 1 - m || cy < m || cy > 1 - m) return problem("off-centre");
  if (Math.abs(face.yaw) > FACE_LIMITS.maxYaw || Math.abs(face.pitch) > FACE_LIMITS.maxPitch || Math.abs(face.roll) > FACE_LIMITS.maxRoll) {
    return problem("turned");
  }
  return { ok: true, face, layout: layoutOf(face, faces.length, r.meanLuma, detector) };
}

/** The protocol's FaceLayout from the landmarks, with what the detector saw (landmarks rounded to 1e-4). */
export function layoutOf(face: DetectedFace, faces: number, luma: number, detector: string): FaceLayout {
  const L = face.landmarks;
  const x = (i: number) => L[i * 3] ?? 0;
  const y = (i: number) => L[i * 3 + 1] ?? 0;
  const [c0, c1] = LIPS.corners;
  const [i0, i1] = IRIS_CENTRES;
  const detection: FaceDetection = {
    detector,
    faces,
    score: round(Math.min(1, Math.max(0, face.score))),
    box: [round(face.box[0]), round(face.box[1]), round(face.box[2]), round(face.box[3])],
    yaw: round(face.yaw),
    pitch: round(face.pitch),
    roll: round(face.roll),
    luma: round(Math.min(255, Math.max(0, luma))),
    landmarks: Array.from(L, round),
  };
  return {
    mouth: { x: clamp01((x(c0) + x(c1)) / 2), y: clamp01((y(LIPS.upperCentre) + y(LIPS.lowerCentre)) / 2) },
    mouthWidth: Math.max(0.01, Math.min(1, Math.abs(x(c1) - x(c0)))),
    eyes: { y: clamp01((y(i0) + y(i1)) / 2), left: Math.min(x(i0), x(i1)), right: Math.max(x(i0), x(i1)) },
    detection,
  };
}

function round(v: number): number {
  return Math.round(v * 1e4) / 1e4;
}

function clamp01(v: number): number {
  return Math.min(1, Math.max(0, v));
}
