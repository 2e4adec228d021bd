import { describe, expect, it } from "vitest";
import { BLENDSHAPE_INDEX } from "@mirror/protocol";
import { FrameTimeline } from "./timeline.js";

const JAW = BLENDSHAPE_INDEX.jawOpen;
const frame = (sample: number, jaw: number) => {
  const w = new Array<number>(52).fill(0);
  w[JAW] = jaw;
  return { sample, w };
};

describe("face frame timeline (audio clock lookup)", () => {
  const t = new FrameTimeline();
  t.add(1, [frame(0, 0), frame(400, 0.4)]);
  t.add(1, [frame(800, 0.8)]);
  const out = new Float32Array(52);

  it("shows the latest frame at or before the sample, blended towards the next", () => {
    expect(t.at(1, 400, out, 800)).toBe(true);
    expect(out[JAW]).toBeCloseTo(0.4);
    expect(t.at(1, 600, out, 800)).toBe(true);
    expect(out[JAW]).toBeCloseTo(0.6);
  });

  it("has nothing before the first frame or for an unknown turn", () => {
    expect(t.at(1, -1, out, 800)).toBe(false);
    expect(t.at(2, 100, out, 800)).toBe(false);
  });

  it("holds the last frame only for the hold time", () => {
    expect(t.at(1, 1000, out, 400)).toBe(true);
    expect(out[JAW]).toBeCloseTo(0.8);
    expect(t.at(1, 1300, out, 400)).toBe(false);
  });

  it("sorts frames that arrive out of order and replaces duplicates", () => {
    const u = new FrameTimeline();
    u.add(5, [frame(800, 0.8), frame(0, 0)]);
    u.add(5, [frame(400, 0.2), frame(400, 0.4)]);
    expect(u.at(5, 400, out, 0)).toBe(true);
    expect(out[JAW]).toBeCloseTo(0.4);
    u.drop(5);
    expect(u.has(5)).toBe(false);
  });

  it("carries the head and eye rotations, blended like the weights; zeros where a frame has none", () => {
    const u = new FrameTimeline();
    const r = (yaw: number) => [yaw, 0, 0, 0.1, 0, 0, 0.1, 0, 0];
    u.add(7, [{ ...frame(0, 0), r: r(0) }, { ...frame(400, 0.4), r: r(0.2) }, frame(800, 0.8)]);
    const rot = new Float32Array(9);
    expect(u.at(7, 200, out, 800, rot)).toBe(true);
    expect(rot[0]).toBeCloseTo(0.1);
    expect(rot[3]).toBeCloseTo(0.1);
    expect(u.at(7, 600, out, 800, rot)).toBe(true);
    expect(rot[0]).toBeCloseTo(0.1);
    expect(u.at(7, 800, out, 800, rot)).toBe(true);
    expect(rot[0]).toBe(0);
  });
});
