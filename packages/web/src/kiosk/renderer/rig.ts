import { BLENDSHAPE_INDEX as B } from "@mirror/protocol";
import type { FaceModel } from "./face-model.js";
import { CHIN, EYES, FACE_SIDES, LANDMARK_COUNT, LIPS, irisOf } from "./landmarks.js";

/**
 * The deformation model: ARKit-52 weights → mesh motion, built procedurally from the visitor's own landmarks.
 *
 * Per frame, on the main thread (a few hundred vertices, well under a millisecond):
 *  1. linear shapes: each ARKit shape (or pair) owns a displacement field over the vertices, scaled by its weight
 *     (lids, brows, cheeks, mouth corners, lips). Sizes are fractions of the face width / mouth width (TUNING);
 *  2. the jaw: the lower face rotates about a pivot behind the face at ear height, by jawOpen × TUNING.jawMaxRad,
 *     weighted per vertex (1 on the lower lip and chin, fading above the lip line and out into the rings); with
 *     mouthClose the lips stay together while the jaw opens;
 *  3. the head: idle motion, nods and small turns rotate the face about the neck with the landmarks' own depth
 *     (near points move more: parallax), fading to nothing at the photo's border;
 *  4. the gaze: each iris centre shifts inside its eye (idle gaze plus its eyeLook curves; the face's left eye is
 *     the one on the image's right).
 * Then an orthographic projection drops z. Eyelids really close: the upper lid's points travel to a line near the
 * lower lid and the eye's fan (iris included) collapses under the stretched lid skin.
 */

export const TUNING = {
  jawMaxRad: 0.42,
  /** pivot: ear height is the mean of the face-side landmarks; depth this far behind them (× face width) */
  jawPivotBack: 0.12,
  /** where a closed lid meets: 0 = on the lower lid, 1 = on the upper */
  lidMeet: 0.2,
  browLift: 0.045,
  browDrop: 0.03,
  cheekPuff: 0.045,
  cheekSquint: 0.02,
  smile: [0.13, -0.12] as const,
  frown: [0, 0.1] as const,
  stretch: [0.16, 0.02] as const,
  dimple: [0.06, 0] as const,
  pucker: 0.3,
  funnel: 0.2,
  upperUp: 0.1,
  lowerDown: 0.14,
  /** the upper lip's share of a jaw opening (lips part at both) */
  upperLipOnOpen: 0.08,
  mouthShift: 0.12,
  jawShift: 0.04,
  gazeRange: 0.35,
} as const;

/** Radians about the neck: pitch > 0 nods down, yaw > 0 turns toward the face's left (the image's right), roll > 0 tilts the top of the head that way. */
export interface HeadPose {
  pitch: number;
  yaw: number;
  roll: number;
  /** gaze, -1..1 of the eye's half width / half height */
  gazeX: number;
  gazeY: number;
}

/** What the mouth-interior pass needs, in face space, of the posed mesh. */
export interface MouthState {
  /** centre between the inner lips, their gap (lip to lip) and the inner width (corner to corner) */
  cx: number;
  cy: number;
  upperY: number;
  lowerY: number;
  halfWidth: number;
  /** 0 closed .. 1 wide open */
  open: number;
}

interface Shape {
  /** coefficient from the weights */
  weight: (w: Float32Array) => number;
  delta: Float32Array;
}

const W = (name: keyof typeof B) => B[name];

export class FaceRig {
  readonly vertexCount: number;
  private readonly shapes: Shape[] = [];
  private readonly jaw: Float32Array;
  private readonly lowerLip: Float32Array;
  private readonly head: Float32Array;
  private readonly pivot: { y: number; z: number };
  private readonly neck: { x: number; y: number; z: number };
  private readonly faceWidth: number;
  private readonly mouthWidth: number;
  private readonly eyeSize: { w: number; h: number }[];
  private readonly irises: number[];
  /** per eye (EYES order): the ARKit eyeLook curves that move it (the face's left eye is the one on the image's right) */
  private readonly eyeLook: { out: number; in: number; up: number; down: number; outward: 1 | -1 }[];
  private readonly work: Float32Array;
  /** the lips' box at rest, face space, with a margin of a quarter mouth width */
  readonly mouthBox: { x0: number; y0: number; x1: number; y1: number };
  /** the photo's own gap between the inner lips: "open" counts from there */
  private readonly restGap: number;

  constructor(private readonly model: FaceModel) {
    const n = (this.vertexCount = model.vertexCount);
    const p = model.rest;
    const X = (i: number) => p[i * 3] ?? 0;
    const Y = (i: number) => p[i * 3 + 1] ?? 0;
    const Z = (i: number) => p[i * 3 + 2] ?? 0;
    this.work = new Float32Array(n * 3);
    const [sideA, sideB] = FACE_SIDES;
    this.faceWidth = Math.hypot(X(sideA) - X(sideB), Y(sideA) - Y(sideB));
    const fw = this.faceWidth;
    const [c0, c1] = LIPS.corners;
    this.mouthWidth = Math.hypot(X(c0) - X(c1), Y(c0) - Y(c1));
    const mw = this.mouthWidth;
    const mouthX = (X(c0) + X(c1)) / 2;
    const mouthY = (Y(LIPS.upperCentre) + Y(LIPS.lowerCentre)) / 2;
    this.pivot = { y: (Y(sideA) + Y(sideB)) / 2, z: (Z(sideA) + Z(sideB)) / 2 + TUNING.jawPivotBack * fw };
    this.neck = { x: mouthX, y: Y(CHIN) + 0.1 * fw, z: this.pivot.z };

    // how much each vertex belongs to the face (1) rather than the background (0), by ring
    const faceShare = (v: number): number => {
      const r = model.ring[v] ?? 0;
      return v < LANDMARK_COUNT ? 1 : Math.max(0, 1 - r / 0.5) ** 2;
    };
    const srcOf = (v: number): number => (v < LANDMARK_COUNT ? v : (model.ringSource[v] ?? -1));

    // lip line through the inner-lip midpoints: above it is upper lip, below it lower
    const innerUp = new Set<number>(LIPS.innerUpper);
    const innerLow = new Set<number>(LIPS.innerLower);
    const lipLineY = (x: number): number => {
      const t = clamp((x - X(c0)) / (X(c1) - X(c0) || 1), 0, 1);
      return Y(c0) + t * (Y(c1) - Y(c0)) + Math.sin(Math.PI * t) * (mouthY - (Y(c0) + Y(c1)) / 2);
    };
    const upperSide = (v: number): number => {
      if (innerUp.has(v) && innerLow.has(v)) return 0.5;
      if (innerUp.has(v)) return 1;
      if (innerLow.has(v)) return 0;
      return Y(v) < lipLineY(X(v)) ? 1 : 0;
    };

    this.jaw = new Float32Array(n);
    this.lowerLip = new Float32Array(n);
    this.head = new Float32Array(n);
    for (let v = 0; v < n; v++) {
      const src = srcOf(v);
      const x = src >= 0 ? X(src) : X(v);
      const y = src >= 0 ? Y(src) : Y(v);
      // within the mouth's width the lip line splits jaw from skull; beyond the corners the cheek bends gradually
      const below = src >= 0 ? 1 - upperSide(src) : 0;
      const lateral = smoothstep(0.45 * mw, 0.8 * mw, Math.abs(x - mouthX));
      const cheek = smoothstep(0, 0.14 * fw, y - lipLineY(x));
      this.jaw[v] = (below + (cheek - below) * lateral) * faceShare(v);
      const lips = bell(x - mouthX, y - mouthY, 0.75 * mw, 0.5 * mw);
      this.lowerLip[v] = v < LANDMARK_COUNT ? below * lips : 0;
      this.head[v] = faceShare(v);
    }

    this.restGap = Y(LIPS.lowerCentre) - Y(LIPS.upperCentre);
    const lipPoints = [...LIPS.outerUpper, ...LIPS.outerLower];
    const margin = 0.25 * mw;
    this.mouthBox = {
      x0: Math.min(...lipPoints.map(X)) - margin,
      x1: Math.max(...lipPoints.map(X)) + margin,
      y0: Math.min(...lipPoints.map(Y)) - margin,
      y1: Math.max(...lipPoints.map(Y)) + margin,
    };
    this.irises = EYES.map((_, k) => irisOf(k, X, Y));
    this.eyeSize = EYES.map((e) => ({
      w: Math.abs(X(e.corners[0]) - X(e.corners[1])),
      h: Math.max(...e.upper.map((u, k) => Y(e.lower[k] ?? u) - Y(u))),
    }));
    const eyeX = EYES.map((e) => (X(e.corners[0]) + X(e.corners[1])) / 2);
    this.eyeLook = EYES.map((_, k) => {
      const left = (eyeX[k] ?? 0) > (eyeX[1 - k] ?? 0);
      return left
        ? { out: W("eyeLookOutLeft"), in: W("eyeLookInLeft"), up: W("eyeLookUpLeft"), down: W("eyeLookDownLeft"), outward: 1 }
        : { out: W("eyeLookOutRight"), in: W("eyeLookInRight"), up: W("eyeLookUpRight"), down: W("eyeLookDownRight"), outward: -1 };
    });
    this.buildShapes(X, Y, fw, mw, mouthX, mouthY, upperSide);
  }

  private buildShapes(
    X: (i: number) => number,
    Y: (i: number) => number,
    fw: number,
    mw: number,
    mouthX: number,
    mouthY: number,
    upperSide: (v: number) => number,
  ): void {
    const n = this.vertexCount;
    const field = (fn: (x: number, y: number, v: number) => [number, number]): Float32Array => {
      const d = new Float32Array(n * 2);
      for (let v = 0; v < LANDMARK_COUNT; v++) {
        const [dx, dy] = fn(X(v), Y(v), v);
        d[v * 2] = dx;
        d[v * 2 + 1] = dy;
      }
      return d;
    };
    const add = (weight: (w: Float32Array) => number, delta: Float32Array) => this.shapes.push({ weight, delta });
    const g = (w: Float32Array, name: keyof typeof B) => w[W(name)] ?? 0;
    // ARKit "Left" is the visitor's left, which in their mirrored photo is the image's left
    const eyeOrder = X(EYES[0].corners[0]) < X(EYES[1].corners[0]) ? [0, 1] : [1, 0];
    const sides = ["Left", "Right"] as const;

    sides.forEach((side, s) => {
      const eye = EYES[eyeOrder[s] ?? s] ?? EYES[0];
      const iris = irisOf(eyeOrder[s] ?? s, X, Y);
      // --- eyelids: upper lid points go to the meeting line; the skin above follows a little; the iris sinks too
      const lid = new Float32Array(n * 2);
      const meet = eye.upper.map((u, k) => {
        const l = eye.lower[k] ?? u;
        return { x: X(u), y: Y(l) + TUNING.lidMeet * (Y(u) - Y(l)), lower: l, travel: Y(l) - Y(u) };
      });
      const meetAt = (x: number) => nearest(meet, x);
      eye.upper.forEach((u, k) => {
        const m = meet[k];
        if (m) lid[u * 2 + 1] = m.y - Y(u);
      });
      eye.lower.forEach((l, k) => {
        const m = meet[k];
        if (m) lid[l * 2 + 1] = m.y - Y(l);
      });
      for (let i = 0; i < 5; i++) lid[(iris + i) * 2 + 1] = meetAt(X(iris + i)).y - Y(iris + i);
      const ex = (X(eye.corners[0]) + X(eye.corners[1])) / 2;
      const ew = Math.abs(X(eye.corners[0]) - X(eye.corners[1]));
      const topY = Math.min(...eye.upper.map(Y));
      const lidSet = new Set([...eye.upper, ...eye.lower, ...eye.corners, iris, iris + 1, iris + 2, iris + 3, iris + 4]);
      for (let v = 0; v < LANDMARK_COUNT; v++) {
        if (lidSet.has(v)) continue;
        if (Math.abs(X(v) - ex) > 0.65 * ew) continue;
        const m = meetAt(X(v));
        const above = topY - Y(v);
        const below = Y(v) - Y(m.lower);
        // the lid skin above follows a little; the band just under the lower lid folds in, so no white stays
        if (above > 0) lid[v * 2 + 1] = (m.y - Y(v)) * Math.max(0, 1 - above / (0.8 * m.travel + 0.005 * fw)) ** 1.5;
        else if (below > 0) lid[v * 2 + 1] = (m.y - Y(v)) * Math.max(0, 1 - below / (1.2 * m.travel + 0.005 * fw)) ** 2;
      }
      add((w) => clamp(g(w, `eyeBlink${side}`) + 0.3 * g(w, `eyeSquint${side}`) - 0.3 * g(w, `eyeWide${side}`), -0.3, 1), lid);

      // --- brows: inner (shared browInnerUp), outer, down
      const bx = eye.brow.map(X);
      const browInner = eye.brow.reduce((a, b) => (Math.abs(X(a) - mouthX) < Math.abs(X(b) - mouthX) ? a : b));
      const browOuter = eye.brow.reduce((a, b) => (Math.abs(X(a) - mouthX) > Math.abs(X(b) - mouthX) ? a : b));
      const browR = [0.16 * fw, 0.09 * fw] as const;
      const inward = Math.sign(mouthX - (bx[0] ?? mouthX));
      add((w) => 0.5 * g(w, "browInnerUp"), field((x, y) => [0, -TUNING.browLift * fw * bell(x - X(browInner), y - Y(browInner), ...browR)]));
      add((w) => g(w, `browOuterUp${side}`), field((x, y) => [0, -TUNING.browLift * fw * bell(x - X(browOuter), y - Y(browOuter), ...browR)]));
      const browMid = eye.brow[2] ?? browInner;
      add((w) => g(w, `browDown${side}`), field((x, y) => {
        const b = bell(x - X(browMid), y - Y(browMid), 0.18 * fw, 0.08 * fw);
        return [inward * 0.012 * fw * b, TUNING.browDrop * fw * b];
      }));

      // --- cheeks
      const ck = eye.cheek;
      const out = -inward;
      add((w) => g(w, "cheekPuff"), field((x, y) => [out * TUNING.cheekPuff * fw * bell(x - X(ck), y - Y(ck), 0.14 * fw, 0.14 * fw), 0]));
      add((w) => g(w, `cheekSquint${side}`) + 0.3 * g(w, `mouthSmile${side}`), field((x, y) => [0, -TUNING.cheekSquint * fw * bell(x - X(ck), y - Y(ck), 0.12 * fw, 0.1 * fw)]));
      add((w) => g(w, `noseSneer${side}`), field((x, y) => [0, -0.015 * fw * bell(x - (mouthX - out * 0.06 * fw), y - (mouthY - 0.16 * fw), 0.05 * fw, 0.05 * fw)]));

      // --- mouth corners
      const corner = LIPS.corners[X(LIPS.corners[0]) < X(LIPS.corners[1]) ? s : 1 - s] ?? LIPS.corners[0];
      const cornerField = (vec: readonly [number, number]) =>
        field((x, y) => {
          const b = bell(x - X(corner), y - Y(corner), 0.5 * mw, 0.4 * mw);
          return [out * vec[0] * mw * b, vec[1] * mw * b];
        });
      add((w) => g(w, `mouthSmile${side}`), cornerField(TUNING.smile));
      add((w) => g(w, `mouthFrown${side}`), cornerField(TUNING.frown));
      add((w) => g(w, `mouthStretch${side}`), cornerField(TUNING.stretch));
      add((w) => g(w, `mouthDimple${side}`), cornerField(TUNING.dimple));

      // --- upper lip up / lower lip down, on this side of the mouth
      const sideW = (x: number) => smoothstep(-0.3 * mw, 0.3 * mw, out * (x - mouthX));
      const lips = (x: number, y: number) => bell(x - mouthX, y - mouthY, 0.7 * mw, 0.45 * mw);
      add((w) => g(w, `mouthUpperUp${side}`), field((x, y, v) => [0, -TUNING.upperUp * mw * upperSide(v) * lips(x, y) * sideW(x)]));
      add((w) => g(w, `mouthLowerDown${side}`), field((x, y, v) => [0, TUNING.lowerDown * mw * (1 - upperSide(v)) * lips(x, y) * sideW(x)]));
      add((w) => g(w, `mouthPress${side}`) * 0.5, field((x, y) => [0, (mouthY - y) * 0.4 * lips(x, y) * sideW(x)]));
    });

    const lips = (x: number, y: number) => bell(x - mouthX, y - mouthY, 0.8 * mw, 0.5 * mw);
    add((w) => g(w, "mouthPucker"), field((x, y) => [-(x - mouthX) * TUNING.pucker * lips(x, y), 0]));
    add((w) => g(w, "mouthFunnel"), field((x, y, v) => {
      const open = (upperSide(v) - 0.5) * 2; // +1 upper, -1 lower
      return [-(x - mouthX) * TUNING.funnel * lips(x, y), -open * 0.05 * mw * lips(x, y)];
    }));
    add((w) => 0.5 * (g(w, "mouthRollUpper") + g(w, "mouthRollLower")), field((x, y) => [0, (mouthY - y) * 0.45 * lips(x, y)]));
    add((w) => g(w, "mouthShrugUpper"), field((x, y, v) => [0, -0.04 * mw * upperSide(v) * lips(x, y)]));
    add((w) => g(w, "mouthShrugLower"), field((x, y, v) => [0, -0.06 * mw * (1 - upperSide(v)) * bell(x - mouthX, y - mouthY - 0.3 * mw, 0.8 * mw, 0.7 * mw)]));
    add((w) => g(w, "mouthRight") - g(w, "mouthLeft"), field((x, y) => [TUNING.mouthShift * mw * lips(x, y), 0]));
    add((w) => g(w, "jawOpen"), field((x, y, v) => [0, -TUNING.upperLipOnOpen * mw * upperSide(v) * bell(x - mouthX, y - mouthY, 0.6 * mw, 0.25 * mw)]));
    const jawShift = new Float32Array(this.vertexCount * 2);
    for (let v = 0; v < this.vertexCount; v++) jawShift[v * 2] = TUNING.jawShift * fw * (this.jaw[v] ?? 0);
    add((w) => g(w, "jawRight") - g(w, "jawLeft"), jawShift);
  }

  /** Poses the mesh: writes x,y per vertex (face space) into `out` and returns the mouth's state. */
  pose(weights: Float32Array, head: HeadPose, out: Float32Array): MouthState {
    const n = this.vertexCount;
    const p = this.work;
    p.set(this.model.rest);
    for (const s of this.shapes) {
      const k = s.weight(weights);
      if (k === 0) continue;
      const d = s.delta;
      for (let v = 0; v < n; v++) {
        p[v * 3] = (p[v * 3] ?? 0) + k * (d[v * 2] ?? 0);
        p[v * 3 + 1] = (p[v * 3 + 1] ?? 0) + k * (d[v * 2 + 1] ?? 0);
      }
    }
    // jaw: rotation about the pivot's horizontal axis; mouthClose keeps the lips together
    const jawOpen = clamp(weights[W("jawOpen")] ?? 0, 0, 1);
    const close = Math.min(jawOpen, clamp(weights[W("mouthClose")] ?? 0, 0, 1));
    const theta = jawOpen * TUNING.jawMaxRad;
    const thetaClose = close * TUNING.jawMaxRad;
    for (let v = 0; v < n; v++) {
      const a = theta * (this.jaw[v] ?? 0) - thetaClose * (this.lowerLip[v] ?? 0);
      if (a === 0) continue;
      rotateYZ(p, v, this.pivot.y, this.pivot.z, a);
    }
    // head: pitch (nod), yaw (turn), roll about the neck, weighted to fade into the background
    this.rotateHead(p, head);
    // gaze: iris centres (and their rings) slide inside the eye, by the idle gaze plus the eye's own eyeLook curves
    EYES.forEach((_, k) => {
      const iris = this.irises[k] ?? 468;
      const size = this.eyeSize[k] ?? { w: 0, h: 0 };
      const look = this.eyeLook[k];
      const lx = look ? look.outward * ((weights[look.out] ?? 0) - (weights[look.in] ?? 0)) : 0;
      const ly = look ? (weights[look.down] ?? 0) - (weights[look.up] ?? 0) : 0;
      const gx = clamp(head.gazeX + lx, -1.2, 1.2);
      const gy = clamp(head.gazeY + ly, -1.2, 1.2);
      for (let i = 0; i < 5; i++) {
        p[(iris + i) * 3] = (p[(iris + i) * 3] ?? 0) + gx * TUNING.gazeRange * 0.5 * size.w;
        p[(iris + i) * 3 + 1] = (p[(iris + i) * 3 + 1] ?? 0) + gy * TUNING.gazeRange * 0.3 * size.h;
      }
    });
    for (let v = 0; v < n; v++) {
      out[v * 2] = p[v * 3] ?? 0;
      out[v * 2 + 1] = p[v * 3 + 1] ?? 0;
    }
    return this.mouth(p);
  }

  private rotateHead(p: Float32Array, h: HeadPose): void {
    if (h.pitch === 0 && h.yaw === 0 && h.roll === 0) return;
    const { x: nx, y: ny, z: nz } = this.neck;
    for (let v = 0; v < this.vertexCount; v++) {
      const k = this.head[v] ?? 0;
      if (k === 0) continue;
      let x = (p[v * 3] ?? 0) - nx;
      let y = (p[v * 3 + 1] ?? 0) - ny;
      let z = (p[v * 3 + 2] ?? 0) - nz;
      // yaw about y, pitch about x, roll about z (small angles, weighted)
      const cy = Math.cos(h.yaw * k);
      const sy = Math.sin(h.yaw * k);
      [x, z] = [x * cy - z * sy, x * sy + z * cy];
      const cp = Math.cos(h.pitch * k);
      const sp = Math.sin(h.pitch * k);
      [y, z] = [y * cp - z * sp, y * sp + z * cp];
      const cr = Math.cos(h.roll * k);
      const sr = Math.sin(h.roll * k);
      [x, y] = [x * cr - y * sr, x * sr + y * cr];
      p[v * 3] = x + nx;
      p[v * 3 + 1] = y + ny;
      p[v * 3 + 2] = z + nz;
    }
  }

  private mouth(p: Float32Array): MouthState {
    const [a, b] = LIPS.innerCorners;
    const up = LIPS.upperCentre;
    const low = LIPS.lowerCentre;
    const upperY = p[up * 3 + 1] ?? 0;
    const lowerY = p[low * 3 + 1] ?? 0;
    const halfWidth = Math.abs((p[b * 3] ?? 0) - (p[a * 3] ?? 0)) / 2;
    return {
      cx: ((p[a * 3] ?? 0) + (p[b * 3] ?? 0)) / 2,
      cy: (upperY + lowerY) / 2,
      upperY,
      lowerY,
      halfWidth,
      open: clamp((lowerY - upperY - this.restGap) / (0.45 * this.mouthWidth), 0, 1),
    };
  }
}

function rotateYZ(p: Float32Array, v: number, py: number, pz: number, a: number): void {
  const dy = (p[v * 3 + 1] ?? 0) - py;
  const dz = (p[v * 3 + 2] ?? 0) - pz;
  const c = Math.cos(a);
  const s = Math.sin(a);
  p[v * 3 + 1] = py + dy * c - dz * s;
  p[v * 3 + 2] = pz + dz * c + dy * s;
}

function nearest<T extends { x: number }>(items: readonly T[], x: number): T {
  let best = items[0];
  for (const it of items) if (!best || Math.abs(it.x - x) < Math.abs(best.x - x)) best = it;
  if (!best) throw new Error("empty list");
  return best;
}

/** exp-free bell: 1 at the centre, 0 from the ellipse (rx, ry) on, smooth. */
export function bell(dx: number, dy: number, rx: number, ry: number): number {
  const q = Math.min(1, (dx / rx) ** 2 + (dy / ry) ** 2);
  return (1 - q) * (1 - q);
}

function smoothstep(a: number, b: number, x: number): number {
  const t = clamp((x - a) / (b - a), 0, 1);
  return t * t * (3 - 2 * t);
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}
