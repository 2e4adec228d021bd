/**
 * Indices into the 478 landmarks of MediaPipe's face mesh (as @vladmandic/human returns them: 468 mesh points, then
 * 10 iris points). Contours are ordered; eye contours run from the outer to the inner corner.
 */
export const LANDMARK_COUNT = 478;
export const MESH_POINTS = 468;

export const FACE_OVAL = [
  10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377, 152, 148, 176, 149, 150, 136,
  172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109,
] as const;

export const LIPS = {
  outerUpper: [61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291],
  outerLower: [61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291],
  innerUpper: [78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308],
  innerLower: [78, 95, 88, 178, 87, 14, 317, 402, 318, 324, 308],
  corners: [61, 291] as const,
  innerCorners: [78, 308] as const,
  upperCentre: 13,
  lowerCentre: 14,
} as const;

export interface EyeIndices {
  /** upper and lower lid, paired point by point, from corner to corner */
  upper: readonly number[];
  lower: readonly number[];
  corners: readonly [number, number];
  brow: readonly number[];
  /** a cheek point under this eye */
  cheek: number;
}

export const EYES: readonly [EyeIndices, EyeIndices] = [
  {
    upper: [246, 161, 160, 159, 158, 157, 173],
    lower: [7, 163, 144, 145, 153, 154, 155],
    corners: [33, 133],
    brow: [70, 63, 105, 66, 107, 46, 53, 52, 65, 55],
    cheek: 205,
  },
  {
    upper: [466, 388, 387, 386, 385, 384, 398],
    lower: [249, 390, 373, 374, 380, 381, 382],
    corners: [263, 362],
    brow: [300, 293, 334, 296, 336, 276, 283, 282, 295, 285],
    cheek: 425,
  },
];

/** Iris centres (the other four points of each iris ring follow). */
export const IRIS_CENTRES = [468, 473] as const;
export const FACE_SIDES = [234, 454] as const;
export const NOSE_TIP = 1;
export const CHIN = 152;
export const FOREHEAD = 10;

/** The iris centre belonging to eye `k` (detectors differ in which iris they list first): the nearer one. */
export function irisOf(k: number, x: (i: number) => number, y: (i: number) => number): number {
  const e = EYES[k] ?? EYES[0];
  const ex = (x(e.corners[0]) + x(e.corners[1])) / 2;
  const ey = (y(e.corners[0]) + y(e.corners[1])) / 2;
  const d = (i: number) => Math.hypot(x(i) - ex, y(i) - ey);
  return d(IRIS_CENTRES[0]) <= d(IRIS_CENTRES[1]) ? IRIS_CENTRES[0] : IRIS_CENTRES[1];
}
