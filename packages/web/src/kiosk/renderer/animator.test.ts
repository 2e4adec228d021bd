import { describe, expect, it } from "vitest";
import { BLENDSHAPE_INDEX as B } from "@mirror/protocol";
import { addRotations, nextDrawMark } from "./animator.js";

/** Frames drawn in one second of rAF ticks at `hz` under a cap. */
function drawnPerSecond(hz: number, maxFps: number | null): number {
  let last = -Infinity;
  let drawn = 0;
  for (let i = 0; i < hz; i++) {
    const mark = nextDrawMark((i * 1000) / hz, last, maxFps);
    if (mark === null) continue;
    last = mark;
    drawn++;
  }
  return drawn;
}

describe("renderer fps cap (GPU budget)", () => {
  it("draws every frame without a cap", () => {
    expect(drawnPerSecond(60, null)).toBe(60);
  });

  it("holds the cap on the average, not a divisor of the display rate", () => {
    expect(drawnPerSecond(60, 24)).toBeGreaterThanOrEqual(23);
    expect(drawnPerSecond(60, 24)).toBeLessThanOrEqual(25);
    expect(drawnPerSecond(60, 30)).toBe(30);
    expect(drawnPerSecond(144, 24)).toBeGreaterThanOrEqual(23);
    expect(drawnPerSecond(144, 24)).toBeLessThanOrEqual(25);
  });

  it("never exceeds the display rate and does not burst after a stall", () => {
    expect(drawnPerSecond(30, 60)).toBe(30);
    // a 500 ms stall, then frames again: one frame is drawn, not a catch-up burst
    const mark = nextDrawMark(1500, 1000, 24);
    expect(mark).not.toBeNull();
    expect(nextDrawMark(1500 + 1000 / 60, mark!, 24)).toBeNull();
  });
});

describe("a frame's head and eye rotations on the double", () => {
  const idle = () => ({ pitch: 0.01, yaw: 0.02, roll: 0, gazeX: 0, gazeY: 0 });

  it("adds the head's yaw, pitch (up > 0 becomes a nod of −) and roll to the idle pose", () => {
    const head = idle();
    addRotations(Float32Array.of(0.1, 0.05, -0.02, 0, 0, 0, 0, 0, 0), new Float32Array(52), head);
    expect(head.yaw).toBeCloseTo(0.12);
    expect(head.pitch).toBeCloseTo(-0.04);
    expect(head.roll).toBeCloseTo(-0.02);
  });

  it("turns eye rotations into eyeLook curves (toward the face's left: left eye out, right eye in)", () => {
    const w = new Float32Array(52);
    addRotations(Float32Array.of(0, 0, 0, 0.25, 0.1, 0, 0.25, 0.1, 0), w, idle());
    expect(w[B.eyeLookOutLeft]).toBeCloseTo(0.5);
    expect(w[B.eyeLookInRight]).toBeCloseTo(0.5);
    expect(w[B.eyeLookInLeft]).toBe(0);
    expect(w[B.eyeLookUpLeft]).toBeCloseTo(0.2);
    expect(w[B.eyeLookDownRight]).toBe(0);
  });

  it("keeps a frame's own eyeLook curves (they say the same as its eye rotations)", () => {
    const w = new Float32Array(52);
    w[B.eyeLookInLeft] = 0.3;
    addRotations(Float32Array.of(0, 0, 0, 0.25, 0, 0, 0.25, 0, 0), w, idle());
    expect(w[B.eyeLookInLeft]).toBeCloseTo(0.3);
    expect(w[B.eyeLookOutLeft]).toBe(0);
  });
});
