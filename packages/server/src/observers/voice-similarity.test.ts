import { describe, expect, it } from "vitest";
import { createEspeakTts } from "../stages/tts/espeak/index.js";
import { createFliteTts } from "../stages/tts/flite/flite-tts.js";
import { heldOutVoice } from "../testing/held-out-voices.js";
import { measureCloneSimilarity } from "./voice-similarity.js";

// samples of voices not used by the fixtures or as base voices, made now, never stored
describe("voice similarity: the converted voice is closer to a held-out sample than its base", () => {
  it.each([
    [0, "flite"],
    [2, "flite"],
    [4, "espeak"],
  ] as const)("held-out voice %i through %s", async (index, provider) => {
    const { label, sample } = heldOutVoice(index);
    const tts = provider === "flite" ? createFliteTts() : createEspeakTts();
    const signal = new AbortController().signal;
    const voice = await tts.cloneVoice(sample, signal);
    const sim = await measureCloneSimilarity(tts, voice, sample, signal);
    expect(sim).not.toBeNull();
    console.info(`${label}: base ${sim!.base.score.toFixed(3)} → converted ${sim!.converted.score.toFixed(3)}`);
    expect(sim!.converted.score).toBeGreaterThan(sim!.base.score + 0.03);
    expect(sim!.converted.distances.f0Semitones).toBeLessThan(sim!.base.distances.f0Semitones + 0.5);
    // the clone's own score (on its calibration text) says the same
    expect(voice.similarity!.converted).toBeGreaterThan(voice.similarity!.base);
    await tts.forgetVoice(voice);
  }, 60_000);
});
