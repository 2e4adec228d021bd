import { describe, expect, it } from "vitest";
import { analyzeSample, trimSilence } from "./sample-check.js";

const RATE = 16_000;

/** Syllable-like bursts of a tone at `amp` for `speechS`, between silences. */
function voice(speechS: number, amp: number, leadS = 0.5, tailS = 0.5): Int16Array {
  const total = Math.round((leadS + speechS + tailS) * RATE);
  const out = new Int16Array(total);
  const start = Math.round(leadS * RATE);
  for (let i = 0; i < Math.round(speechS * RATE); i++) {
    const env = 0.6 + 0.4 * Math.sin((2 * Math.PI * 4 * i) / RATE);
    out[start + i] = Math.round(Math.max(-1, Math.min(1, amp * env * Math.sin((2 * Math.PI * 180 * i) / RATE))) * 32767);
  }
  for (let i = 0; i < total; i++) out[i] = (out[i] ?? 0) + Math.round((Math.random() - 0.5) * 20);
  return out;
}

describe("voice sample checks (kiosk side)", () => {
  it("accepts six seconds of clear speech", () => {
    const a = analyzeSample(voice(6, 0.3), RATE);
    expect(a.problems).toEqual([]);
    expect(a.speechMs).toBeGreaterThan(5500);
    expect(a.durationMs).toBeCloseTo(7000, -2);
  });

  it("says too short, too quiet, clipped, no speech", () => {
    expect(analyzeSample(voice(1.5, 0.3), RATE).problems).toEqual(["too-short"]);
    expect(analyzeSample(voice(6, 0.006), RATE).problems).toEqual(["too-quiet"]);
    expect(analyzeSample(voice(6, 3), RATE).problems).toEqual(["clipped"]);
    expect(analyzeSample(voice(0, 0), RATE).problems).toEqual(["no-speech"]);
  });

  it("trims leading and trailing silence but keeps a margin", () => {
    const pcm = voice(3, 0.3, 2, 2);
    const trimmed = trimSilence(pcm, RATE, 250);
    expect(trimmed.length / RATE).toBeGreaterThan(3.3);
    expect(trimmed.length / RATE).toBeLessThan(3.8);
  });
});
