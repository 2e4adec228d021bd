import { deflateSync } from "node:zlib";

/** An RGB raster, row-major, 3 bytes per pixel. */
export interface Raster {
  width: number;
  height: number;
  rgb: Uint8Array;
}

type Rgb = readonly [number, number, number];

/**
 * A drawn, clearly synthetic face (no real person), laid out like the kiosk's photo guide:
 * eyes at y≈0.45, mouth at (0.5, 0.73). Used for the fixture visitor and the fake webcam.
 */
export function drawSyntheticFace(width = 512, height = 640, skin: Rgb = [224, 172, 140]): Raster {
  const rgb = new Uint8Array(width * height * 3);
  const set = (x: number, y: number, c: Rgb) => {
    const o = (y * width + x) * 3;
    rgb[o] = c[0];
    rgb[o + 1] = c[1];
    rgb[o + 2] = c[2];
  };
  const inEllipse = (x: number, y: number, cx: number, cy: number, rx: number, ry: number) =>
    ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const u = x / width;
      const v = y / height;
      let c: Rgb = [40 + Math.round(30 * v), 48 + Math.round(20 * v), 70 + Math.round(40 * v)];
      if (inEllipse(u, v, 0.5, 0.97, 0.42, 0.16)) c = [70, 90, 130]; // shoulders
      if (inEllipse(u, v, 0.5, 0.86, 0.11, 0.12)) c = shade(skin, 0.9); // neck
      if (inEllipse(u, v, 0.5, 0.3, 0.35, 0.25)) c = [70, 45, 30]; // hair
      if (inEllipse(u, v, 0.5, 0.52, 0.3, 0.33)) {
        const light = 1 - 0.25 * Math.abs(u - 0.45) - 0.1 * Math.max(0, v - 0.6);
        c = shade(skin, light); // face
      }
      for (const ex of [0.36, 0.64]) {
        if (inEllipse(u, v, ex, 0.4, 0.07, 0.012)) c = [80, 55, 40]; // brows
        if (inEllipse(u, v, ex, 0.45, 0.055, 0.025)) c = [245, 245, 240];
        if (inEllipse(u, v, ex, 0.45, 0.022, 0.022)) c = [60, 90, 120];
        if (inEllipse(u, v, ex, 0.45, 0.009, 0.009)) c = [10, 10, 10];
      }
      if (inEllipse(u, v, 0.5, 0.6, 0.035, 0.05) && v > 0.6) c = shade(skin, 0.8); // nose
      if (inEllipse(u, v, 0.5, 0.73, 0.14, 0.028)) c = [170, 80, 85]; // lips
      if (inEllipse(u, v, 0.5, 0.73, 0.12, 0.004)) c = [90, 40, 45]; // lip line
      set(x, y, c);
    }
  }
  return { width, height, rgb };
}

/** One drawn face in a scene: centre and width in pixels (its box is 1.25 × as tall), and a turn to one side. */
export interface FacePlacement {
  cx: number;
  cy: number;
  width: number;
  /** -1..1: how far the features slide to the image's right (≈ sin of the head's yaw) */
  turn?: number;
  skin?: Rgb;
}

/**
 * Several (or no) drawn faces on a plain backdrop: the same synthetic face as drawSyntheticFace, placed and sized
 * freely; a `turn` slides the features sideways and narrows the far eye, as a head turned ~20° looks from the front.
 */
export function drawFaces(width: number, height: number, faces: readonly FacePlacement[]): Raster {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = y / height;
      let c: Rgb = [40 + Math.round(30 * v), 48 + Math.round(20 * v), 70 + Math.round(40 * v)];
      for (const f of faces) {
        const u = (x - (f.cx - f.width / 2)) / f.width;
        const w = (y - (f.cy - (f.width * 1.25) / 2)) / (f.width * 1.25);
        if (u < 0 || u > 1 || w < 0 || w > 1) continue;
        c = faceColorAt(u, w, f.turn ?? 0, f.skin ?? [224, 172, 140]) ?? c;
      }
      const o = (y * width + x) * 3;
      rgb[o] = c[0];
      rgb[o + 1] = c[1];
      rgb[o + 2] = c[2];
    }
  }
  return { width, height, rgb };
}

/** The synthetic face at face-box coordinates (u, v) in 0..1, or null for the backdrop. */
function faceColorAt(u: number, v: number, turn: number, skin: Rgb): Rgb | null {
  const inE = (x: number, y: number, cx: number, cy: number, rx: number, ry: number) => ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1;
  let c: Rgb | null = null;
  if (inE(u, v, 0.5, 0.97, 0.42, 0.16)) c = [70, 90, 130];
  if (inE(u, v, 0.5, 0.86, 0.11, 0.12)) c = shade(skin, 0.9);
  if (inE(u, v, 0.5, 0.3, 0.35, 0.25)) c = [70, 45, 30];
  if (!inE(u, v, 0.5, 0.52, 0.3, 0.33)) return c;
  c = shade(skin, 1 - 0.25 * Math.abs(u - 0.45 - 0.3 * turn) - 0.1 * Math.max(0, v - 0.6));
  // features slide with the turn; the eye on the far side is foreshortened
  const s = 0.09 * turn;
  const fu = u - s;
  for (const ex of [0.36, 0.64]) {
    const far = Math.sign(ex - 0.5) === Math.sign(turn) ? 1 - 0.35 * Math.abs(turn) : 1;
    const eu = 0.5 + (ex - 0.5) * (ex > 0.5 === turn > 0 ? 1 - 0.2 * Math.abs(turn) : 1);
    if (inE(fu, v, eu, 0.4, 0.07 * far, 0.012)) c = [80, 55, 40];
    if (inE(fu, v, eu, 0.45, 0.055 * far, 0.025)) c = [245, 245, 240];
    if (inE(fu, v, eu, 0.45, 0.022 * far, 0.022)) c = [60, 90, 120];
    if (inE(fu, v, eu, 0.45, 0.009 * far, 0.009)) c = [10, 10, 10];
  }
  if (inE(u - 1.5 * s, v, 0.5, 0.6, 0.035, 0.05) && v > 0.6) c = shade(skin, 0.8);
  if (inE(fu, v, 0.5, 0.73, 0.14 * (1 - 0.15 * Math.abs(turn)), 0.028)) c = [170, 80, 85];
  if (inE(fu, v, 0.5, 0.73, 0.12 * (1 - 0.15 * Math.abs(turn)), 0.004)) c = [90, 40, 45];
  return c;
}

function shade(c: Rgb, k: number): Rgb {
  return [Math.min(255, Math.round(c[0] * k)), Math.min(255, Math.round(c[1] * k)), Math.min(255, Math.round(c[2] * k))];
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Minimal PNG encoder (8-bit RGB, no filtering). */
export function encodePng(img: Raster): Uint8Array {
  const { width, height, rgb } = img;
  const raw = new Uint8Array((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) raw.set(rgb.subarray(y * width * 3, (y + 1) * width * 3), y * (width * 3 + 1) + 1);
  const chunk = (type: string, data: Uint8Array) => {
    const out = new Uint8Array(12 + data.length);
    const view = new DataView(out.buffer);
    view.setUint32(0, data.length);
    out.set(Buffer.from(type, "ascii"), 4);
    out.set(data, 8);
    view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
    return out;
  };
  const ihdr = new Uint8Array(13);
  const hv = new DataView(ihdr.buffer);
  hv.setUint32(0, width);
  hv.setUint32(4, height);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const parts = [Uint8Array.of(137, 80, 78, 71, 13, 10, 26, 10), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(raw)), chunk("IEND", new Uint8Array(0))];
  return Buffer.concat(parts);
}

/** A still video in YUV4MPEG2 (4:2:0), for Chromium's fake webcam. */
export function encodeY4m(img: Raster, frames = 30, fps = 15): Uint8Array {
  const { width, height, rgb } = img;
  const y = new Uint8Array(width * height);
  const cw = width >> 1;
  const ch = height >> 1;
  const u = new Uint8Array(cw * ch);
  const v = new Uint8Array(cw * ch);
  for (let j = 0; j < height; j++) {
    for (let i = 0; i < width; i++) {
      const o = (j * width + i) * 3;
      const r = rgb[o] ?? 0;
      const g = rgb[o + 1] ?? 0;
      const b = rgb[o + 2] ?? 0;
      y[j * width + i] = clamp8(16 + 0.257 * r + 0.504 * g + 0.098 * b);
      if (j % 2 === 0 && i % 2 === 0) {
        u[(j >> 1) * cw + (i >> 1)] = clamp8(128 - 0.148 * r - 0.291 * g + 0.439 * b);
        v[(j >> 1) * cw + (i >> 1)] = clamp8(128 + 0.439 * r - 0.368 * g - 0.071 * b);
      }
    }
  }
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`, "ascii");
  const frame = Buffer.concat([Buffer.from("FRAME\n", "ascii"), y, u, v]);
  return Buffer.concat([header, ...Array.from({ length: frames }, () => frame)]);
}

function clamp8(x: number): number {
  return Math.max(0, Math.min(255, Math.round(x)));
}
