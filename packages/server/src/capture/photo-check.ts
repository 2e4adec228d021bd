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
