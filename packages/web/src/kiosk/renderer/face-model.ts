import { EYES, FACE_OVAL, LANDMARK_COUNT, LIPS, irisOf } from "./landmarks.js";

/**
 * The visitor's face as a mesh over their whole photo, built once from the detected landmarks.
 *
 * Geometry is in face space: x right and y down in units of the photo's width (y = image y × aspect), z towards the
 * back of the head (landmark depth; negative is nearer the camera). Vertices are, in order: the 478 landmarks, then
 * RINGS rings that run from the face oval out to the photo's border (the last one lies on the border and includes
 * the four corners). Triangles: the landmark tessellation (the mouth slit left open so the mouth interior drawn
 * behind shows through; each eye re-filled as a fan around its iris centre so eyelids can close over it), then the
 * rings zipped together. The whole picture is one mesh: nothing tears between the face and the background.
 */
export interface FaceModel {
  /** photo height / width */
  aspect: number;
  /** rest positions, x,y,z per vertex (face space) */
  rest: Float32Array;
  /** texture coordinates (0..1, y down), 2 per vertex */
  uv: Float32Array;
  indices: Uint16Array;
  vertexCount: number;
  /** for each vertex: 0 for landmarks, else the ring's distance from oval (0..1) to border (1) */
  ring: Float32Array;
  /** for ring vertices: the face-oval landmark their ray starts at (-1 for corners and landmarks) */
  ringSource: Int16Array;
}

/** Where the rings sit between the face oval (0) and the border (1): dense near the face, where it bends most. */
export const RING_STEPS = [0.1, 0.28, 0.55, 1] as const;

export function buildFaceModel(landmarks: Float32Array, triangulation: Uint16Array, aspect: number): FaceModel {
  if (landmarks.length < LANDMARK_COUNT * 3) throw new Error(`need ${LANDMARK_COUNT} landmarks, got ${landmarks.length / 3}`);
  const verts: number[] = [];
  const ring: number[] = [];
  const source: number[] = [];
  for (let i = 0; i < LANDMARK_COUNT; i++) {
    verts.push(clamp(landmarks[i * 3] ?? 0, 0, 1), clamp(landmarks[i * 3 + 1] ?? 0, 0, 1) * aspect, landmarks[i * 3 + 2] ?? 0);
    ring.push(0);
    source.push(-1);
  }
  const tris = faceTriangles(triangulation, (i) => verts[i * 3] ?? 0, (i) => verts[i * 3 + 1] ?? 0);

  // the rings: rays from the oval's centre through each oval point, out to the border
  const n = FACE_OVAL.length;
  let cx = 0;
  let cy = 0;
  for (const i of FACE_OVAL) {
    cx += (verts[i * 3] ?? 0) / n;
    cy += (verts[i * 3 + 1] ?? 0) / n;
  }
  const border = FACE_OVAL.map((i) => rayToBorder(cx, cy, verts[i * 3] ?? 0, verts[i * 3 + 1] ?? 0, aspect));
  let prev: number[] = [...FACE_OVAL];
  for (const s of RING_STEPS) {
    const loop: number[] = [];
    FACE_OVAL.forEach((oi, k) => {
      const ox = verts[oi * 3] ?? 0;
      const oy = verts[oi * 3 + 1] ?? 0;
      const oz = verts[oi * 3 + 2] ?? 0;
      const b = border[k] ?? [ox, oy];
      loop.push(verts.length / 3);
      verts.push(ox + s * (b[0] - ox), oy + s * (b[1] - oy), oz * (1 - s) * (1 - s));
      ring.push(s);
      source.push(oi);
    });
    if (s === 1) {
      // a border corner between two neighbouring rays joins the border loop
      const withCorners: number[] = [];
      const rayAt: number[] = [];
      for (let k = 0; k < n; k++) {
        rayAt.push(withCorners.length);
        const a = border[k];
        const b = border[(k + 1) % n];
        withCorners.push(loop[k] ?? 0);
        const corner = a && b ? cornerBetween(a, b, aspect) : null;
        if (corner) {
          withCorners.push(verts.length / 3);
          verts.push(corner[0], corner[1], 0);
          ring.push(1);
          source.push(-1);
        }
      }
      zip(prev, withCorners, rayAt, tris);
    } else zip(prev, loop, loop.map((_, k) => k), tris);
    prev = loop;
  }

  const count = verts.length / 3;
  if (count > 65_535) throw new Error("face mesh too large for 16-bit indices");
  const rest = Float32Array.from(verts);
  const uv = new Float32Array(count * 2);
  for (let v = 0; v < count; v++) {
    uv[v * 2] = rest[v * 3] ?? 0;
    uv[v * 2 + 1] = (rest[v * 3 + 1] ?? 0) / aspect;
  }
  return { aspect, rest, uv, indices: Uint16Array.from(tris), vertexCount: count, ring: Float32Array.from(ring), ringSource: Int16Array.from(source) };
}

/** The landmark tessellation without the mouth slit and the eye openings, plus a fan per eye around its iris. */
function faceTriangles(triangulation: Uint16Array, x: (i: number) => number, y: (i: number) => number): number[] {
  const innerUp = new Set<number>(LIPS.innerUpper);
  const innerLow = new Set<number>(LIPS.innerLower);
  const eyes = EYES.map((e) => ({ up: new Set(e.upper), low: new Set(e.lower), all: new Set([...e.upper, ...e.lower, ...e.corners]) }));
  const out: number[] = [];
  for (let t = 0; t + 2 < triangulation.length; t += 3) {
    const tri = [triangulation[t] ?? 0, triangulation[t + 1] ?? 0, triangulation[t + 2] ?? 0];
    if (spans(tri, innerUp, innerLow, new Set([...innerUp, ...innerLow]))) continue;
    if (eyes.some((e) => spans(tri, e.up, e.low, e.all))) continue;
    out.push(...tri);
  }
  EYES.forEach((e, k) => {
    const centre = irisOf(k, x, y);
    const loop = [e.corners[0], ...e.upper, e.corners[1], ...[...e.lower].reverse()];
    for (let i = 0; i < loop.length; i++) out.push(centre, loop[i] ?? 0, loop[(i + 1) % loop.length] ?? 0);
  });
  return out;
}

/** A triangle made only of contour points, with at least one on each side, covers the opening between them. */
function spans(tri: number[], a: Set<number>, b: Set<number>, all: Set<number>): boolean {
  const onlyA = (i: number) => a.has(i) && !b.has(i);
  const onlyB = (i: number) => b.has(i) && !a.has(i);
  return tri.every((i) => all.has(i)) && tri.some(onlyA) && tri.some(onlyB);
}

/**
 * Zips two closed loops: `inner` has one point per ray, `outer` has the ray points at `rayAt` (ascending) and maybe
 * extra points (border corners) between them. Each sector between two rays becomes a fan from the inner point.
 */
function zip(inner: readonly number[], outer: readonly number[], rayAt: readonly number[], tris: number[]): void {
  const n = inner.length;
  for (let r = 0; r < n; r++) {
    const a0 = inner[r] ?? 0;
    const a1 = inner[(r + 1) % n] ?? 0;
    const j0 = rayAt[r] ?? 0;
    const j1 = r + 1 < n ? (rayAt[r + 1] ?? 0) : outer.length;
    for (let j = j0; j < j1; j++) tris.push(a0, outer[j] ?? 0, outer[(j + 1) % outer.length] ?? 0);
    tris.push(a0, outer[j1 % outer.length] ?? 0, a1);
  }
}

/** Where the ray from (cx, cy) through (x, y) leaves the photo (face space: 0..1 × 0..aspect). */
function rayToBorder(cx: number, cy: number, x: number, y: number, aspect: number): [number, number] {
  const dx = x - cx;
  const dy = y - cy;
  let t = Infinity;
  if (dx > 1e-9) t = Math.min(t, (1 - cx) / dx);
  if (dx < -1e-9) t = Math.min(t, -cx / dx);
  if (dy > 1e-9) t = Math.min(t, (aspect - cy) / dy);
  if (dy < -1e-9) t = Math.min(t, -cy / dy);
  if (!Number.isFinite(t)) return [x, y];
  return [clamp(cx + t * dx, 0, 1), clamp(cy + t * dy, 0, aspect)];
}

/** The photo corner lying between two border points that are on different edges (null if on the same edge). */
function cornerBetween(a: [number, number], b: [number, number], aspect: number): [number, number] | null {
  const edge = (p: [number, number]): number => {
    const e = 1e-6;
    if (p[1] <= e) return 0; // top
    if (p[0] >= 1 - e) return 1; // right
    if (p[1] >= aspect - e) return 2; // bottom
    return 3; // left
  };
  const ea = edge(a);
  const eb = edge(b);
  if (ea === eb) return null;
  // the oval runs clockwise on screen (top → right → bottom → left), so the corner follows edge `ea`
  const corners: [number, number][] = [
    [1, 0],
    [1, aspect],
    [0, aspect],
    [0, 0],
  ];
  return corners[ea] ?? null;
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}
