import { describe, expect, it } from "vitest";
import { audibleContextTime, renderTimeOf, type PosReport } from "./clock.js";

const RATE = 24_000;
const pos = (time: number, turnId: number | null, sample: number): PosReport => ({ type: "pos", time, turnId, sample, playedSamples: 0 });

describe("the audio clock on the page's clock", () => {
  it("extrapolates the output timestamp to the moment asked (no staleness between audio callbacks)", () => {
    const stamp = { contextTime: 2.0, performanceTime: 10_000 };
    const fallback = { currentTime: 2.05, outputDelay: 0.02, nowMs: 10_010 };
    expect(audibleContextTime(stamp, fallback, 10_000)).toBeCloseTo(2.0, 9);
    expect(audibleContextTime(stamp, fallback, 10_025)).toBeCloseTo(2.025, 9);
  });

  it("falls back to currentTime minus the output delay without a timestamp", () => {
    const fallback = { currentTime: 2.05, outputDelay: 0.02, nowMs: 10_010 };
    expect(audibleContextTime(null, fallback, 10_010)).toBeCloseTo(2.03, 9);
    expect(audibleContextTime({ contextTime: 0, performanceTime: 0 }, fallback, 10_020)).toBeCloseTo(2.04, 9);
  });
});

describe("when the worklet rendered a sample", () => {
  const reports = [pos(1.0, null, 0), pos(1.004, 7, 0), pos(1.014, 7, 240), pos(1.024, 7, 480)];

  it("counts samples back to back from the report before them", () => {
    expect(renderTimeOf(reports, 7, 0, RATE)).toBeCloseTo(1.004, 9);
    expect(renderTimeOf(reports, 7, 300, RATE)).toBeCloseTo(1.0165, 9);
  });

  it("is unknown until a later report proves the sample was rendered", () => {
    expect(renderTimeOf(reports, 7, 480, RATE)).toBeNull();
    expect(renderTimeOf(reports, 7, 600, RATE)).toBeNull();
    expect(renderTimeOf(reports, 8, 10, RATE)).toBeNull();
  });

  it("after an underrun, samples resume at the later report's time", () => {
    const stalled = [pos(2.0, 7, 1000), pos(2.01, 7, 1100), pos(2.05, 7, 1100), pos(2.06, 7, 1340)];
    expect(renderTimeOf(stalled, 7, 1050, RATE)).toBeCloseTo(2.0 + 50 / RATE, 9);
    expect(renderTimeOf(stalled, 7, 1200, RATE)).toBeCloseTo(2.05 + 100 / RATE, 9);
  });
});
