import { describe, expect, it } from "vitest";
import { Downsampler } from "./downsampler.js";

function tone(freq: number, rate: number, seconds: number): Float32Array {
  const x = new Float32Array(Math.round(rate * seconds));
  for (let i = 0; i < x.length; i++) x[i] = 0.5 * Math.sin((2 * Math.PI * freq * i) / rate);
  return x;
}

/** Streams `input` through in 128-sample blocks, like an AudioWorklet, and returns the output. */
function run(ds: Downsampler, input: Float32Array): Float32Array {
  const out: number[] = [];
  const scratch = new Float32Array(ds.maxOutput(128));
  for (let i = 0; i < input.length; i += 128) {
    const n = ds.process(input.subarray(i, i + 128), scratch);
    for (let k = 0; k < n; k++) out.push(scratch[k] ?? 0);
  }
  return Float32Array.from(out);
}

function rms(x: Float32Array, skip: number): number {
  let s = 0;
  for (let i = skip; i < x.length; i++) s += (x[i] ?? 0) ** 2;
  return Math.sqrt(s / (x.length - skip));
}

describe("capture downsampler", () => {
  for (const inRate of [48_000, 44_100]) {
    it(`${inRate} Hz → 16 kHz keeps the speech band and the sample count`, () => {
      const out = run(new Downsampler(inRate, 16_000), tone(1000, inRate, 1));
      expect(Math.abs(out.length - 16_000)).toBeLessThanOrEqual(64);
      expect(rms(out, 200)).toBeCloseTo(0.5 / Math.SQRT2, 2);
    });

    it(`${inRate} Hz → 16 kHz removes what would alias (≥ 60 dB down above 8.5 kHz)`, () => {
      for (const f of [8_500, 10_000, 15_000]) {
        const out = run(new Downsampler(inRate, 16_000), tone(f, inRate, 0.5));
        const gainDb = 20 * Math.log10(rms(out, 200) / (0.5 / Math.SQRT2));
        expect(gainDb).toBeLessThan(-60);
      }
    });
  }

  it("is continuous across blocks (same output whatever the block size)", () => {
    const input = tone(440, 48_000, 0.2);
    const a = run(new Downsampler(48_000, 16_000), input);
    const ds = new Downsampler(48_000, 16_000);
    const whole = new Float32Array(ds.maxOutput(input.length));
    const n = ds.process(input, whole);
    expect(n).toBe(a.length);
    for (let i = 0; i < n; i++) expect(whole[i]).toBeCloseTo(a[i] ?? NaN, 6);
  });
});
