import { describe, expect, it } from "vitest";
import { nextDrawMark } from "./animator.js";

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
