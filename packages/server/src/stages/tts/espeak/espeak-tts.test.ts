import { beforeAll, describe, expect, it } from "vitest";
import { analyzeVoice } from "../../../audio/analysis.js";
import { rms } from "../../../audio/pcm.js";
import type { Tts, VoiceProfile } from "../../../core/contracts/tts.js";
import { fixtureVoiceSample, synthesizeAll, ttsContract } from "../../../testing/contracts/tts.contract.js";
import { createEspeakTts } from "./index.js";
import type { EspeakVoiceState } from "./index.js";

ttsContract("espeak", () => createEspeakTts());

/** A profile that makes espeak speak with fixed settings (what a clone would store). */
function fixedVoice(voice: string, pitch: number, rate: number, language: "en" | "nl" = "en"): VoiceProfile {
  return { id: `fixed-${voice}-${pitch}-${rate}`, provider: "tts/espeak", language, medianF0Hz: null, syllablesPerSecond: null, state: { voice, pitch, rate, range: 50 } };
}

const SAMPLE_TEXT = "The rainbow is a division of white light into many beautiful colors. These take the shape of a long round arch.";
const OTHER_TEXT = "I love walking in the forest with my dog on Sunday mornings, when everything is still quiet.";

describe("espeak TTS", () => {
  let tts: Tts;
  beforeAll(() => {
    tts = createEspeakTts();
  });

  it("streams fast: first audio within 150 ms, far faster than real time", async () => {
    const voice = fixedVoice("en-us+f3", 50, 175);
    await synthesizeAll(tts, "Warm up.", voice);
    const s = await synthesizeAll(tts, OTHER_TEXT, voice);
    const seconds = s.pcm.length / s.sampleRate;
    const rtf = s.totalMs / 1000 / seconds;
    console.info(`espeak: first audio ${s.firstAudioMs.toFixed(1)} ms, ${seconds.toFixed(2)} s of audio in ${s.totalMs.toFixed(1)} ms (RTF ${rtf.toFixed(3)})`);
    expect(s.firstAudioMs).toBeLessThan(150);
    expect(rtf).toBeLessThan(0.2);
  });

  it.each([
    ["a low male voice", "en-us+m3", 25, 140],
    ["a high female voice", "en-us+f3", 75, 210],
    ["a Dutch female voice", "nl+f3", 40, 160],
  ] as const)("clones %s from its own speech: median F0 within 10 %, syllable rate within 20 %", async (_label, name, pitch, rate) => {
    const language = name.startsWith("nl") ? "nl" : "en";
    const sample = await synthesizeAll(tts, SAMPLE_TEXT, fixedVoice(name, pitch, rate, language));
    const target = analyzeVoice(sample.pcm, sample.sampleRate);
    const clone = await tts.cloneVoice({ pcm: sample.pcm, sampleRate: sample.sampleRate, transcript: SAMPLE_TEXT, language }, new AbortController().signal);
    const state = clone.state as unknown as EspeakVoiceState;
    expect(state.voice.endsWith(name.slice(-3))).toBe(true);
    const spoken = analyzeVoice((await synthesizeAll(tts, OTHER_TEXT, clone)).pcm, sample.sampleRate);
    const f0Error = spoken.medianF0Hz! / target.medianF0Hz! - 1;
    const rateError = spoken.syllablesPerSecond! / target.syllablesPerSecond! - 1;
    console.info(
      `espeak clone of ${name} p${pitch} r${rate}: target F0 ${target.medianF0Hz!.toFixed(1)} Hz → pitch ${state.pitch}, achieved ${state.achieved.medianF0Hz?.toFixed(1)} Hz, ` +
        `new sentence ${spoken.medianF0Hz!.toFixed(1)} Hz (${(f0Error * 100).toFixed(1)} %); rate ${target.syllablesPerSecond!.toFixed(2)} syl/s → ${state.rate} wpm, ` +
        `new sentence ${spoken.syllablesPerSecond!.toFixed(2)} (${(rateError * 100).toFixed(1)} %)`,
    );
    expect(Math.abs(f0Error)).toBeLessThan(0.1);
    expect(Math.abs(rateError)).toBeLessThan(0.2);
    expect(Math.abs(state.pitch - pitch)).toBeLessThan(15);
  });

  it("clones the recorded visitor (flite): female variant, pitch matched within 10 %, achieved values reported", async () => {
    const sample = fixtureVoiceSample();
    const clone = await tts.cloneVoice(sample, new AbortController().signal);
    const state = clone.state as unknown as EspeakVoiceState;
    expect(state.voice).toBe("en-us+f3");
    expect(state.target.medianF0Hz).toBe(clone.medianF0Hz);
    expect(Math.abs(state.achieved.medianF0Hz! / clone.medianF0Hz! - 1)).toBeLessThan(0.05);
    const spoken = analyzeVoice((await synthesizeAll(tts, OTHER_TEXT, clone)).pcm, 22050);
    console.info(`espeak clone of visitor-1: ${clone.medianF0Hz!.toFixed(1)} Hz → ${spoken.medianF0Hz!.toFixed(1)} Hz; ${clone.syllablesPerSecond!.toFixed(2)} → ${spoken.syllablesPerSecond!.toFixed(2)} syl/s`);
    expect(Math.abs(spoken.medianF0Hz! / clone.medianF0Hz! - 1)).toBeLessThan(0.1);
  });

  it("forgetVoice clears the profile's state; the forgotten profile falls back to the default voice", async () => {
    const clone = await tts.cloneVoice(fixtureVoiceSample(), new AbortController().signal);
    expect(Object.keys(clone.state).length).toBeGreaterThan(0);
    await tts.forgetVoice(clone);
    expect(clone.state).toEqual({});
    expect(rms((await synthesizeAll(tts, "Still here.", clone)).pcm)).toBeGreaterThan(0.01);
  });

  it("phoneme timings line up with the audio: pauses are quiet, vowels are loud", async () => {
    const s = await synthesizeAll(tts, "Hello world. See you soon, my friend.", fixedVoice("en-us+m3", 50, 175));
    const level = (start: number, end: number) => rms(s.pcm, Math.round(start * s.sampleRate), Math.round(end * s.sampleRate));
    const phonemes = s.events.filter((e) => e.type === "phoneme");
    const pauses = phonemes.filter((p) => p.phoneme.startsWith("_") && p.end - p.start > 0.05);
    const vowels = phonemes.filter((p) => /^(oU|3:|i:|u:|E|aI)$/.test(p.phoneme));
    expect(pauses.length).toBeGreaterThan(0);
    expect(vowels.length).toBeGreaterThanOrEqual(4);
    const loud = Math.min(...vowels.map((v) => level(v.start, v.end)));
    const quiet = Math.max(...pauses.map((p) => level(p.start + 0.01, p.end - 0.01)));
    expect(quiet).toBeLessThan(loud / 5);
    const last = phonemes[phonemes.length - 1]!;
    expect(Math.abs(last.end - s.pcm.length / s.sampleRate)).toBeLessThan(0.001);
  });

  it("word events carry the words of the text (accents included) in order", async () => {
    const s = await synthesizeAll(tts, "Hello café world, nice to meet you.", fixedVoice("en-us+f3", 50, 175));
    const words = s.events.filter((e) => e.type === "word").map((w) => w.text);
    expect(words).toEqual(["Hello", "café", "world", "nice", "to", "meet", "you"]);
  });

  it("serializes concurrent syntheses: each keeps its own voice", async () => {
    const [low, high] = await Promise.all([
      synthesizeAll(tts, OTHER_TEXT, fixedVoice("en-us+m3", 10, 175)),
      synthesizeAll(tts, OTHER_TEXT, fixedVoice("en-us+f3", 90, 175)),
    ]);
    const lowF0 = analyzeVoice(low.pcm, low.sampleRate).medianF0Hz!;
    const highF0 = analyzeVoice(high.pcm, high.sampleRate).medianF0Hz!;
    expect(lowF0).toBeLessThan(110);
    expect(highF0).toBeGreaterThan(250);
    expect(Math.abs(low.pcm.length - high.pcm.length) / high.pcm.length).toBeLessThan(0.1);
  });

  it("an abort while queued behind another synthesis gives no audio and does not block the queue", async () => {
    const voice = fixedVoice("en-us+f3", 50, 175);
    const ac = new AbortController();
    const first = synthesizeAll(tts, OTHER_TEXT, voice);
    const second = synthesizeAll(tts, OTHER_TEXT, voice, ac.signal);
    ac.abort();
    const [a, b] = await Promise.all([first, second]);
    expect(a.pcm.length).toBeGreaterThan(0);
    expect(b.pcm.length).toBe(0);
    expect(b.aborted).not.toBeNull();
    expect((await synthesizeAll(tts, "Next.", voice)).pcm.length).toBeGreaterThan(0);
  });

  it("stopping the iteration early (break), or just no longer pulling, leaves espeak free for the next synthesis", async () => {
    const voice = fixedVoice("en-us+f3", 50, 175);
    for await (const ev of tts.synthesize({ text: OTHER_TEXT, voice, signal: new AbortController().signal })) {
      if (ev.type === "audio") break;
    }
    expect(rms((await synthesizeAll(tts, "Still going.", voice)).pcm)).toBeGreaterThan(0.01);
    const abandoned = tts.synthesize({ text: OTHER_TEXT, voice, signal: new AbortController().signal })[Symbol.asyncIterator]();
    await abandoned.next();
    expect(rms((await synthesizeAll(tts, "Still going.", voice, undefined, undefined, 5_000)).pcm)).toBeGreaterThan(0.01);
  });
});
