import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { seededRandom } from "../core/clock.js";
import { analyzeVoice } from "./analysis.js";
import { decodeWav } from "./wav.js";

const SR = 22050;

function signal(seconds: number, sampleRate: number, f: (t: number) => number): Float32Array {
  const out = new Float32Array(Math.round(seconds * sampleRate));
  for (let i = 0; i < out.length; i++) out[i] = f(i / sampleRate);
  return out;
}

/** a buzz with falling harmonics, closer to a glottal source than a sine */
const buzz = (f0: number) => (t: number) => {
  let v = 0;
  for (let h = 1; h <= 8; h++) v += Math.sin(2 * Math.PI * h * f0 * t) / h;
  return 0.2 * v;
};

/** syllable-like envelope: `rate` bumps per second, down to zero between them */
const bumps = (rate: number) => (t: number) => Math.sin(Math.PI * rate * t) ** 4;

/** espeak-ng (the CLI, not our binding) speaking SSML `text` with a voice and pitch, as float PCM. */
function espeakCli(text: string, voice: string, pitch: number): { pcm: Float32Array; sampleRate: number } {
  const wav = execFileSync("espeak-ng", ["-v", voice, "-p", String(pitch), "-m", "--stdout", text]);
  return decodeWav(new Uint8Array(wav));
}

/**
 * Reference F0 by a method unrelated to YIN: subharmonic summation (Hermes 1988) — the frequency whose
 * harmonics below 1 kHz, weighted 0.9^(h-1), carry the most spectral magnitude (a DFT evaluated at exactly
 * those frequencies) — median over the loud 4096-sample frames.
 */
function harmonicSumF0(pcm: Float32Array, sampleRate: number): number {
  const n = 4096;
  const window = Float64Array.from({ length: n }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1)));
  const magnitude = (start: number, hz: number) => {
    let re = 0;
    let im = 0;
    // the phasor e^{-iwt} advanced by rotation instead of cos/sin per sample
    const w = (2 * Math.PI * hz) / sampleRate;
    const [cw, sw] = [Math.cos(w), Math.sin(w)];
    let c = 1;
    let s = 0;
    for (let i = 0; i < n; i++) {
      const v = (pcm[start + i] ?? 0) * (window[i] ?? 0);
      re += v * c;
      im -= v * s;
      [c, s] = [c * cw - s * sw, s * cw + c * sw];
    }
    return Math.hypot(re, im);
  };
  const score = (start: number, hz: number) => {
    let sum = 0;
    for (let h = 1; h * hz <= 1000; h++) sum += 0.9 ** (h - 1) * magnitude(start, h * hz);
    return sum;
  };
  const argmax = (start: number, from: number, to: number, step: number) => {
    let best = from;
    let bestScore = -1;
    for (let hz = from; hz <= to; hz += step) {
      const s = score(start, hz);
      if (s > bestScore) [best, bestScore] = [hz, s];
    }
    return best;
  };
  const loud: number[] = [];
  for (let start = 0; start + n < pcm.length; start += n) {
    let e = 0;
    for (let i = start; i < start + n; i++) e += (pcm[i] ?? 0) ** 2;
    if (Math.sqrt(e / n) >= 0.03) loud.push(start);
  }
  const estimates: number[] = [];
  for (const start of loud.filter((_, i) => i % Math.ceil(loud.length / 7) === 0)) {
    const coarse = argmax(start, 60, 300, 2);
    estimates.push(argmax(start, coarse - 2, coarse + 2, 0.25));
  }
  estimates.sort((a, b) => a - b);
  return estimates[Math.floor(estimates.length / 2)] ?? 0;
}

describe("analyzeVoice: pitch", () => {
  it.each([65, 80, 120, 220, 350, 395])("finds a %d Hz sine within 3 %%", (f0) => {
    const a = analyzeVoice(signal(1.5, SR, (t) => 0.3 * Math.sin(2 * Math.PI * f0 * t)), SR);
    expect(a.medianF0Hz).not.toBeNull();
    expect(Math.abs(a.medianF0Hz! / f0 - 1)).toBeLessThan(0.03);
    expect(a.voicedRatio).toBeGreaterThan(0.9);
  });

  it.each([[16000, 100], [24000, 180], [48000, 260]])("at %d Hz finds a %d Hz harmonic buzz, not an octave off", (rate, f0) => {
    const a = analyzeVoice(signal(1.5, rate, buzz(f0)), rate);
    expect(Math.abs(a.medianF0Hz! / f0 - 1)).toBeLessThan(0.03);
    expect(a.f0IqrHz!).toBeLessThan(0.03 * f0);
  });

  it("measures the spread of a gliding pitch", () => {
    // 150 Hz ± 20 Hz vibrato: the quartiles of a sine sit at ±0.707 of its depth
    let phase = 0;
    const pcm = signal(3, SR, (t) => {
      phase += (2 * Math.PI * (150 + 20 * Math.sin(2 * Math.PI * 1.3 * t))) / SR;
      return 0.3 * Math.sin(phase);
    });
    const a = analyzeVoice(pcm, SR);
    expect(Math.abs(a.medianF0Hz! - 150)).toBeLessThan(5);
    expect(a.f0IqrHz!).toBeGreaterThan(20);
    expect(a.f0IqrHz!).toBeLessThan(36);
  });

  it("gives no pitch for silence, white noise, or too little voicing", () => {
    const rnd = seededRandom(1);
    for (const pcm of [new Float32Array(SR), signal(1, SR, () => 0.3 * (rnd() * 2 - 1)), signal(0.05, SR, (t) => 0.3 * Math.sin(2 * Math.PI * 200 * t))]) {
      const a = analyzeVoice(pcm, SR);
      expect(a.medianF0Hz).toBeNull();
      expect(a.f0IqrHz).toBeNull();
    }
    expect(analyzeVoice(new Float32Array(0), SR)).toMatchObject({ medianF0Hz: null, syllablesPerSecond: null, voicedRatio: 0 });
  });

  it("measures monotone espeak-ng speech at its pitch (against a harmonic-sum reference, within 3 %)", () => {
    const f0s: number[] = [];
    for (const [voice, pitch] of [["en-us+m3", 20], ["en-us+m3", 60], ["en-us+f3", 50]] as const) {
      const { pcm, sampleRate } = espeakCli('<speak><prosody range="0%">Hello there, how are you doing today, my old friend?</prosody></speak>', voice, pitch);
      const reference = harmonicSumF0(pcm, sampleRate);
      const a = analyzeVoice(pcm, sampleRate);
      expect(reference).toBeGreaterThan(60);
      expect(Math.abs(a.medianF0Hz! / reference - 1), `${voice} pitch ${pitch}: ${a.medianF0Hz} vs ${reference}`).toBeLessThan(0.03);
      f0s.push(a.medianF0Hz!);
    }
    expect(f0s[0]!).toBeLessThan(f0s[1]!);
    expect(f0s[1]!).toBeLessThan(f0s[2]!);
  });
});

describe("analyzeVoice: syllable rate", () => {
  it.each([3, 4.5, 6, 7.5])("counts %d bumps per second of an amplitude-modulated buzz within 10 %%", (rate) => {
    const env = bumps(rate);
    const src = buzz(140);
    const a = analyzeVoice(signal(4, SR, (t) => env(t) * src(t)), SR);
    expect(Math.abs(a.syllablesPerSecond! / rate - 1)).toBeLessThan(0.1);
  });

  it("counts bumps of amplitude-modulated noise too (no voicing required when there is none)", () => {
    const rnd = seededRandom(3);
    const env = bumps(4);
    const a = analyzeVoice(signal(4, SR, (t) => 0.4 * env(t) * (rnd() * 2 - 1)), SR);
    expect(a.voicedRatio).toBeLessThan(0.2);
    expect(Math.abs(a.syllablesPerSecond! / 4 - 1)).toBeLessThan(0.15);
  });

  it("leaves long pauses out of the speaking time", () => {
    const env = bumps(5);
    const src = buzz(140);
    // 2 s of syllables, 1.5 s of silence, 2 s of syllables: the rate is still 5/s, not 4/s
    const a = analyzeVoice(signal(5.5, SR, (t) => (t < 2 || t >= 3.5 ? env(t) * src(t) : 0)), SR);
    expect(a.speechSeconds).toBeLessThan(4.3);
    expect(Math.abs(a.syllablesPerSecond! / 5 - 1)).toBeLessThan(0.12);
  });

  it("counts the syllables of espeak-ng speech and follows its speaking rate", () => {
    // "one two three four five six seven eight nine ten": 11 syllables
    const text = "<speak>One, two, three, four, five, six, seven, eight, nine, ten.</speak>";
    const a = analyzeVoice(espeakCli(text, "en-us+f3", 50).pcm, 22050);
    expect(a.syllableCount).toBeGreaterThanOrEqual(9);
    expect(a.syllableCount).toBeLessThanOrEqual(13);
    const slow = analyzeVoice(espeakCli('<speak><prosody rate="70%">The rainbow is a division of white light into many beautiful colors.</prosody></speak>', "en-us+f3", 50).pcm, 22050);
    const fast = analyzeVoice(espeakCli('<speak><prosody rate="130%">The rainbow is a division of white light into many beautiful colors.</prosody></speak>', "en-us+f3", 50).pcm, 22050);
    expect(fast.syllablesPerSecond! / slow.syllablesPerSecond!).toBeGreaterThan(1.4);
  });

  it("gives no rate for less than half a second of speech", () => {
    const a = analyzeVoice(signal(0.3, SR, buzz(150)), SR);
    expect(a.syllablesPerSecond).toBeNull();
  });
});
