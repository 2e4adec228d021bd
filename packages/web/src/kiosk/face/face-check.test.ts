import { describe, expect, it } from "vitest";
import type { DetectedFace } from "../../face/messages.js";
import { checkFace } from "./face-check.js";

/** A plausible face: landmarks spread over a box around (cx, 0.5), eyes above the mouth. */
function face(cx: number, width: number, score = 0.95, yaw = 0): DetectedFace {
  const landmarks = new Float32Array(478 * 3);
  for (let i = 0; i < 478; i++) {
    landmarks[i * 3] = cx + width * (((i * 37) % 100) / 100 - 0.5);
    landmarks[i * 3 + 1] = 0.35 + 0.3 * (((i * 53) % 100) / 100);
  }
  const set = (i: number, x: number, y: number) => {
    landmarks[i * 3] = x;
    landmarks[i * 3 + 1] = y;
  };
  set(234, cx - width / 2, 0.5);
  set(454, cx + width / 2, 0.5);
  set(33, cx - 0.15, 0.42);
  set(61, cx - 0.1, 0.62);
  set(291, cx + 0.1, 0.62);
  set(13, cx, 0.615);
  set(14, cx, 0.625);
  set(468, cx + 0.12, 0.42);
  set(473, cx - 0.12, 0.42);
  return { score, box: [cx - width / 2, 0.3, width, 0.45], landmarks, yaw, pitch: 0, roll: 0 };
}

const detection = (faces: DetectedFace[], meanLuma = 120) => ({ faces, meanLuma, ms: 100 });

describe("face check (one usable face, or a re-take reason)", () => {
  it("accepts one frontal face and derives the layout from its landmarks", () => {
    const r = checkFace(detection([face(0.5, 0.6)]), "test");
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.layout.mouth.x).toBeCloseTo(0.5);
    expect(r.layout.mouth.y).toBeCloseTo(0.62);
    expect(r.layout.eyes.left).toBeCloseTo(0.38);
    expect(r.layout.detection?.landmarks).toHaveLength(478 * 3);
  });

  it("asks for a re-take with no face, several faces, a small, turned or dark face", () => {
    expect(checkFace(detection([]), "t")).toMatchObject({ ok: false, problem: "no-face" });
    expect(checkFace(detection([face(0.5, 0.6, 0.3)]), "t")).toMatchObject({ ok: false, problem: "no-face" });
    expect(checkFace(detection([face(0.3, 0.35), face(0.7, 0.35)]), "t")).toMatchObject({ ok: false, problem: "several-faces", faces: 2 });
    expect(checkFace(detection([face(0.5, 0.15)]), "t")).toMatchObject({ ok: false, problem: "too-small" });
    expect(checkFace(detection([face(0.5, 0.6, 0.9, 0.7)]), "t")).toMatchObject({ ok: false, problem: "turned" });
    expect(checkFace(detection([face(0.5, 0.6)], 20), "t")).toMatchObject({ ok: false, problem: "too-dark" });
  });

  it("lets a face turned about 20° through", () => {
    expect(checkFace(detection([face(0.5, 0.6, 0.9, 0.35)]), "t").ok).toBe(true);
  });
});
