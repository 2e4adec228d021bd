import { describe, expect, it } from "vitest";
import { positionAt, type PosReport } from "./player.js";

const RATE = 24_000;
const pos = (time: number, turnId: number | null, sample: number): PosReport => ({
  type: "pos",
  time,
  turnId,
  sample,
  playedSamples: 0,
});

describe("audio clock position (what the speaker plays now)", () => {
  const reports = [pos(1.0, null, 0), pos(1.01, 4, 0), pos(1.02, 4, 240), pos(1.03, 4, 480)];

  it("extrapolates from the latest report rendered at or before the audible time", () => {
    expect(positionAt(reports, 1.015, RATE)).toEqual({ turnId: 4, sample: 120 });
    expect(positionAt(reports, 1.035, RATE)).toEqual({ turnId: 4, sample: 600 });
  });

  it("is silence before the turn became audible (output latency not yet passed)", () => {
    expect(positionAt(reports, 1.005, RATE)).toBeNull();
    expect(positionAt(reports, 0.5, RATE)).toBeNull();
  });

  it("does not run past where the next report says playback stood (underrun)", () => {
    const stalled = [pos(2.0, 4, 1000), pos(2.01, 4, 1000)];
    expect(positionAt(stalled, 2.009, RATE)).toEqual({ turnId: 4, sample: 1000 });
  });

  it("extrapolates at most 30 ms past the newest report", () => {
    expect(positionAt(reports, 1.5, RATE)).toEqual({ turnId: 4, sample: 480 + 720 });
  });
});
