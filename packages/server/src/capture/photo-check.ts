import { FACE_LANDMARKS, type FaceLayout } from "@mirror/protocol";
import { InputError } from "../core/errors.js";

export interface PhotoInfo {
  mime: "image/jpeg" | "image/png";
  width: number;
  height: number;
}

export const MAX_PHOTO_BYTES = 8 * 1024 * 1024;

/** Reads an image's type and size from its header; anything else is a kind InputError. */
export function checkPhoto(bytes: Uint8Array): PhotoInfo {
  if (bytes.byteLength > MAX_PHOTO_BYTES) throw new InputError("photo-too-large", "That photo is too large. Please take it again.");
  const info = readPng(bytes) ?? readJpeg(bytes);
  if (!info) throw new InputError("not-an-image", "That does not look like a photo. Please take it again.");
  if (info.width < 128 || info.height < 128) throw new InputError("photo-too-small", "That photo is too small. Please take it again.");
  if (info.width > 8192 || info.height > 8192) throw new InputError("photo-too-large", "That photo is too large. Please take it again.");
  return info;
}

function readPng(b: Uint8Array): PhotoInfo | null {
  const sig = [137, 80, 78, 71, 13, 10, 26, 10];
  if (b.byteLength < 24 || !sig.every((v, i) => b[i] === v)) return null;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return { mime: "image/png", width: view.getUint32(16), height: view.getUint32(20) };
}

function readJpeg(b: Uint8Array): PhotoInfo | null {
  if (b.byteLength < 4 || b[0] !== 0xff || b[1] !== 0xd8) return null;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let o = 2;
  while (o + 9 < b.byteLength) {
    if (b[o] !== 0xff) return null;
    const marker = b[o + 1] ?? 0;
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01 || marker === 0xff) {
      o += marker === 0xff ? 1 : 2;
      continue;
    }
    const len = view.getUint16(o + 2);
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) return { mime: "image/jpeg", height: view.getUint16(o + 5), width: view.getUint16(o + 7) };
    o += 2 + len;
  }
  return null;
}

/** What the server accepts of the kiosk's face detection (radians, fractions of the photo). */
export const FACE_RULES = { minScore: 0.5, maxYaw: 0.5, maxPitch: 0.45, maxRoll: 0.4, minBoxWidth: 0.2, minLuma: 35, tolerance: 0.05 } as const;

const RETAKE = {
  none: "We could not find a face in that photo. Please look into the camera and take it again.",
  several: "We see more than one face. Please make sure only you are in the picture, and take it again.",
  turned: "Please look straight into the camera and take the photo again.",
  small: "Please come a little closer and take the photo again.",
  dark: "That photo is too dark. Please step into the light and take it again.",
  odd: "We could not read your face in that photo. Please take it again.",
} as const;

/**
 * Checks the face layout the kiosk sent with a photo. A layout with a detection must show exactly one usable face,
 * and its landmarks must lie in the photo and agree with the layout; a bare layout (the guide's) must be plausible.
 */
export function checkFaceLayout(face: FaceLayout): void {
  const odd = () => new InputError("face-unreadable", RETAKE.odd);
  const { mouth, eyes } = face;
  if (!(eyes.left < eyes.right) || !(eyes.y < mouth.y) || mouth.x < eyes.left || mouth.x > eyes.right) throw odd();
  const d = face.detection;
  if (!d) return;
  if (d.faces === 0) throw new InputError("no-face", RETAKE.none);
  if (d.faces > 1) throw new InputError("several-faces", RETAKE.several);
  if (d.score < FACE_RULES.minScore) throw new InputError("no-face", RETAKE.none);
  if (Math.abs(d.yaw) > FACE_RULES.maxYaw || Math.abs(d.pitch) > FACE_RULES.maxPitch || Math.abs(d.roll) > FACE_RULES.maxRoll) {
    throw new InputError("face-turned", RETAKE.turned);
  }
  if (d.box[2] < FACE_RULES.minBoxWidth) throw new InputError("face-too-small", RETAKE.small);
  if (d.luma < FACE_RULES.minLuma) throw new InputError("photo-too-dark", RETAKE.dark);
  const lm = d.landmarks;
  if (!lm) return;
  if (lm.length !== FACE_LANDMARKS * 3 && lm.length !== 468 * 3) throw odd();
  for (let i = 0; i < lm.length; i += 3) {
    const x = lm[i] ?? NaN;
    const y = lm[i + 1] ?? NaN;
    if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(lm[i + 2] ?? NaN)) throw odd();
    if (x < -0.1 || x > 1.1 || y < -0.1 || y > 1.1) throw odd();
  }
  // the layout must be the landmarks' own: mouth corners 61/291, inner lip centres 13/14
  const at = (i: number, k: 0 | 1) => lm[i * 3 + k] ?? NaN;
  const mx = (at(61, 0) + at(291, 0)) / 2;
  const my = (at(13, 1) + at(14, 1)) / 2;
  if (Math.abs(mx - mouth.x) > FACE_RULES.tolerance || Math.abs(my - mouth.y) > FACE_RULES.tolerance) throw odd();
}
