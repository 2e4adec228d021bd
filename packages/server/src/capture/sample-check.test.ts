import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { MIC_SAMPLE_RATE } from "@mirror/protocol";
import { float32ToInt16 } from "../audio/pcm.js";
import { resampleSinc } from "../audio/resample.js";
import { analyzeVoiceCount, looksLikeTwoVoices } from "../audio/voice-count.js";
import { decodeWav } from "../audio/wav.js";
import { createEnergyVad } from "../stages/vad/energy/index.js";
import { HELD_OUT_TEXT, HELD_OUT_VOICES, heldOutVoice } from "../testing/held-out-voices.js";
import { checkVoiceSample } from "./sample-check.js";

const FIXTURE = join(import.meta.dirname, "../../../../fixtures/visitor-1/sample.wav");

function to16k(pcm: Float32Array, sampleRate: number): Float32Array {
  return sampleRate === MIC_SAMPLE_RATE ? pcm : resampleSinc(pcm, sampleRate, MIC_SAMPLE_RATE);
}

function flite(voice: string, text: string): Float32Array {
  const dir = mkdtempSync(join(tmpdir(), "mirror-sample-check-"));
  try {
    const out = join(dir, "v.wav");
    execFileSync("flite", ["-voice", voice, "-t", text, "-o", out], { stdio: "ignore" });
    const w = decodeWav(readFileSync(out));
    return to16k(w.pcm, w.sampleRate);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** the two speakers at `gainB` relative level, with a little room noise so SNR checks see a real floor */
function mix(a: Float32Array, b: Float32Array, gainB: number): Int16Array {
  const n = Math.max(a.length, b.length);
  const out = new Float32Array(n);
  let seed = 7;
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    out[i] = 0.45 * ((a[i] ?? 0) + gainB * (b[i] ?? 0)) + 0.001 * (seed / 0x7fffffff - 0.5);
  }
  return float32ToInt16(out);
}

const check = (pcm16: Int16Array) => checkVoiceSample(pcm16, createEnergyVad());

describe("voice sample check: one voice only", () => {
  const sltText = HELD_OUT_TEXT.en;
  const otherText = "I would like to order a large coffee with milk and two sugars please, and maybe a small cake as well.";

  it("accepts the fixture sample", () => {
    const w = decodeWav(readFileSync(FIXTURE));
    const r = check(float32ToInt16(to16k(w.pcm, w.sampleRate)));
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
  });

  it("accepts every held-out single voice (male, female, Dutch, pitch-shifted)", () => {
    for (let i = 0; i < HELD_OUT_VOICES.length; i++) {
      const { label, sample } = heldOutVoice(i);
      const a = analyzeVoiceCount(sample.pcm, sample.sampleRate);
      expect(looksLikeTwoVoices(a), `${label}: ${JSON.stringify(a)}`).toBe(false);
    }
  });

  let slt: Float32Array = new Float32Array(0);
  let kal: Float32Array = new Float32Array(0);
  beforeAll(() => {
    slt = flite("slt", sltText);
    kal = flite("kal16", otherText);
  });

  it("asks for a re-take when a man talks over a woman, at equal and at half level", () => {
    for (const gain of [1, 0.5]) {
      const r = check(mix(slt, kal, gain));
      expect(r.problems, `gain ${gain}`).toEqual(["two-voices"]);
      expect(r.ok).toBe(false);
      expect(r.cleaned).toBeNull();
    }
    const r = check(mix(slt, flite("awb", otherText), 1));
    expect(r.problems, "slt + awb").toEqual(["two-voices"]);
  });

  it("keeps the check off when asked, and measures nothing on silence", () => {
    expect(checkVoiceSample(mix(slt, kal, 1), createEnergyVad(), { checkSingleVoice: false }).problems).toEqual([]);
    expect(analyzeVoiceCount(new Float32Array(MIC_SAMPLE_RATE * 2), MIC_SAMPLE_RATE).voicedFrames).toBe(0);
  });
});
