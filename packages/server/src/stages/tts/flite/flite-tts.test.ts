import { describe, expect, it } from "vitest";
import type { VoiceProfile } from "../../../core/contracts/tts.js";
import { fixtureVoiceSample, synthesizeAll, ttsContract } from "../../../testing/contracts/tts.contract.js";
import { createFliteTts } from "./flite-tts.js";
import type { FliteVoiceState } from "./flite-tts.js";

ttsContract("flite (converted)", () => createFliteTts(), { sentences: {} });

describe("flite converted voice", () => {
  const tts = createFliteTts();
  let voice: VoiceProfile;

  it("clones the recorded visitor within 1 s of the sample (after warmup): female base, warp and EQ set", async () => {
    await tts.warmup?.();
    const t0 = performance.now();
    voice = await tts.cloneVoice(fixtureVoiceSample(), new AbortController().signal);
    const ms = performance.now() - t0;
    const s = voice.state as unknown as FliteVoiceState;
    console.info(`flite clone: ${ms.toFixed(0)} ms, base ${s.settings.voice}, F0 ${s.settings.f0MeanHz?.toFixed(0)} Hz, alpha ${s.settings.alpha?.toFixed(2)}, stretch ${s.settings.durationStretch.toFixed(2)}`);
    expect(s.settings.voice).toBe("slt");
    // the fixture visitor is flite slt itself: the fitted vocal-tract warp must stay (nearly) at slt's own
    expect(Math.abs((s.settings.alpha ?? 0) - 0.42)).toBeLessThanOrEqual(0.02);
    expect(s.eq).toBeInstanceOf(Float32Array);
    // 1 s is the target on a quiet machine; the margin covers a loaded 2-core CI box
    expect(ms).toBeLessThan(3000);
  }, 60_000);

  it("end of text → first audio chunk is short; phone timings come with it and stay inside the audio", async () => {
    await synthesizeAll(tts, "Warm up.", voice);
    const firsts: number[] = [];
    for (let i = 0; i < 5; i++) {
      const s = await synthesizeAll(tts, "Yes, I see.", voice);
      firsts.push(s.firstAudioMs);
      const phones = s.events.filter((e) => e.type === "phoneme");
      expect(phones.length).toBeGreaterThan(4);
      expect(phones.at(-1)!.end).toBeLessThanOrEqual(s.pcm.length / s.sampleRate + 0.02);
    }
    firsts.sort((a, b) => a - b);
    console.info(`flite first chunk, short sentence: p50 ${firsts[2]!.toFixed(1)} ms, min ${firsts[0]!.toFixed(1)} ms`);
    expect(firsts[2]).toBeLessThan(250);
  }, 60_000);

  it("a time stretch moves the phone timings with the audio", async () => {
    const s = voice.state as unknown as FliteVoiceState;
    const slow: VoiceProfile = { ...voice, state: { ...s, settings: { ...s.settings, durationStretch: 1.4 } } };
    const a = await synthesizeAll(tts, "Tell me more about that.", voice);
    const b = await synthesizeAll(tts, "Tell me more about that.", slow);
    const lastEnd = (x: typeof a) => x.events.filter((e) => e.type === "phoneme").at(-1)!.end;
    expect(b.pcm.length / a.pcm.length).toBeGreaterThan(1.15);
    expect(lastEnd(b) / lastEnd(a)).toBeCloseTo(b.pcm.length / a.pcm.length, 1);
  }, 60_000);
});
