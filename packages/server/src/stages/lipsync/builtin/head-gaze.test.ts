import { describe, expect, it } from "vitest";
import { BLENDSHAPE_INDEX as I, HEAD_ROTATIONS, LIP_FPS, OUTPUT_SAMPLE_RATE as SR } from "@mirror/protocol";
import { FIXTURE_REPLIES, speakWithLips } from "../../../bench/lipsync-run.js";
import { seededRandom } from "../../../core/clock.js";
import { HeadAndGaze, type ProsodyFrame } from "./head.js";
import { createBuiltinLipsync } from "./index.js";
import { PitchTracker } from "./pitch.js";

const FRAME = SR / LIP_FPS;

function tone(hz: number, seconds: number, harmonics = 4): Float32Array {
  const out = new Float32Array(Math.round(seconds * SR));
  for (let i = 0; i < out.length; i++) for (let h = 1; h <= harmonics; h++) out[i]! += (0.3 / h) * Math.sin((2 * Math.PI * hz * h * i) / SR);
  return out;
}

describe("pitch tracker", () => {
  it("finds the F0 of a voice-like tone (not an octave off) and none in noise or silence", () => {
    for (const hz of [110, 150, 220, 310]) {
      const p = new PitchTracker(SR);
      p.push(tone(hz, 0.3), 0);
      expect(Math.abs(p.at(0.15 * SR) - hz) / hz).toBeLessThan(0.04);
    }
    const random = seededRandom(1);
    const noise = new Float32Array(SR / 2).map(() => random() - 0.5);
    const n = new PitchTracker(SR);
    n.push(noise, 0);
    n.push(new Float32Array(SR / 2), SR / 2);
    expect(n.at(0.25 * SR)).toBe(0);
    expect(n.at(0.75 * SR)).toBe(0);
    // not known yet: no guess
    expect(n.at(0.99 * SR)).toBe(0);
  });
});

describe("head, gaze and brows from prosody", () => {
  /** 4 s of speech: syllable peaks every 250 ms at 150 Hz, the ones at `accentsAt` (s) at `accentHz`. */
  function drive(accentsAt: number[], accentHz: number) {
    const h = new HeadAndGaze(SR, LIP_FPS, seededRandom(7));
    const out: Array<{ t: number; brow: number; rot: Float32Array; w: Float32Array }> = [];
    for (let n = 0; n < 4 * LIP_FPS; n++) {
      const t = n / LIP_FPS;
      const peak = n % 15 === 0 && t > 0.5;
      const accent = accentsAt.some((a) => Math.abs(a - t) < 0.01);
      const p: ProsodyFrame = { f0: accent ? accentHz : 150, loud: 0.8, syllablePeak: peak ? 0.9 : 0, speaking: 1 };
      const w = new Float32Array(52);
      const rot = h.step(Math.round(n * FRAME), p, w);
      out.push({ t, brow: w[I.browInnerUp]!, rot, w });
    }
    return out;
  }

  it("raises the brows and nods on pitch accents, not on flat syllables", () => {
    const flat = drive([], 150);
    const accented = drive([2], 200);
    expect(Math.max(...flat.map((f) => f.brow))).toBeLessThan(0.02);
    const around = accented.filter((f) => f.t >= 2 && f.t < 2.4);
    expect(Math.max(...around.map((f) => f.brow))).toBeGreaterThan(0.12);
    // the nod: head pitch dips below what the flat run does at the same moment
    const dip = Math.min(...around.map((f) => f.rot[1]! - flat.find((g) => g.t === f.t)!.rot[1]!));
    expect(dip).toBeLessThan(-0.008);
    // and it settles again
    expect(accented.filter((f) => f.t > 3.6).every((f) => f.brow < 0.1)).toBe(true);
  });

  it("moves the eyes in saccades (fast jumps, then holds) and the eyeLook curves agree with the eye rotations", () => {
    const run = drive([], 150);
    const yaw = run.map((f) => f.rot[3]!);
    const steps = yaw.slice(1).map((y, i) => Math.abs(y - yaw[i]!));
    const jumps = steps.filter((s) => s > 0.01).length;
    const holds = steps.filter((s) => s < 0.001).length;
    expect(jumps).toBeGreaterThan(0);
    expect(holds).toBeGreaterThan(steps.length / 2);
    for (const f of run) {
      expect(f.rot[3]).toBe(f.rot[6]);
      const fromCurves = 0.5 * (f.w[I.eyeLookOutLeft]! - f.w[I.eyeLookInLeft]!);
      expect(fromCurves).toBeCloseTo(f.rot[3]!, 4);
    }
    expect(Math.max(...run.map((f) => Math.abs(f.rot[0]!)))).toBeLessThan(0.1);
  });

  it("rides along with every frame of a real reply: head drift, saccades, brows", async () => {
    const lipsync = createBuiltinLipsync({ random: seededRandom(5) });
    const { frames } = await speakWithLips(FIXTURE_REPLIES[2]!, { lipsync });
    expect(frames.every((f) => f.rotations?.length === HEAD_ROTATIONS.length && [...f.rotations].every(Number.isFinite))).toBe(true);
    const yaw = frames.map((f) => f.rotations![0]!);
    const gaze = new Set(frames.map((f) => f.rotations![3]!.toFixed(3)));
    expect(Math.max(...yaw) - Math.min(...yaw)).toBeGreaterThan(0.005);
    expect(gaze.size).toBeGreaterThan(3);
    expect(Math.max(...frames.map((f) => f.weights[I.browInnerUp]!))).toBeGreaterThan(0.1);
  });
});
