import { describe, expect, it } from "vitest";
import { BLENDSHAPE_INDEX as I, LIP_FPS, MOUTH_SHAPES, OUTPUT_SAMPLE_RATE } from "@mirror/protocol";
import { StreamResampler } from "../../../audio/pcm.js";
import { seededRandom } from "../../../core/clock.js";
import type { LipFrame, LipsyncInput } from "../../../core/contracts/lipsync.js";
import { collectFrames, lipsyncContract, pushTurn, speechLikeAudio } from "../../../testing/contracts/lipsync.contract.js";
import { createEspeakTts } from "../../tts/espeak/index.js";
import { createBuiltinLipsync, visemesFor } from "./index.js";

lipsyncContract("builtin", () => createBuiltinLipsync({ random: seededRandom(7) }));

const SR = OUTPUT_SAMPLE_RATE;
const open = (seed = 1, signal = new AbortController().signal) =>
  createBuiltinLipsync({ random: seededRandom(seed) }).open({ turnId: 1, sampleRate: SR, fps: LIP_FPS, language: "en", signal });
const MOUTH = MOUTH_SHAPES.map((n) => I[n]);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/** espeak speech as the pipeline hands it over: 24 kHz audio and phonemes at output sample positions. */
async function espeakTurn(text: string): Promise<{ pcm: Float32Array; phonemes: Extract<LipsyncInput, { type: "phoneme" }>[] }> {
  const tts = createEspeakTts();
  const voice = { id: "t", provider: "tts/espeak", language: "en" as const, medianF0Hz: null, syllablesPerSecond: null, state: { voice: "en-us+f3" } };
  const rs = new StreamResampler(22050, SR);
  const parts: Float32Array[] = [];
  const phonemes: Extract<LipsyncInput, { type: "phoneme" }>[] = [];
  for await (const ev of tts.synthesize({ text, voice, signal: new AbortController().signal })) {
    if (ev.type === "audio") parts.push(rs.push(ev.pcm));
    if (ev.type === "phoneme") {
      phonemes.push({ type: "phoneme", phoneme: ev.phoneme, alphabet: ev.alphabet, startSample: Math.round(ev.start * SR), endSample: Math.round(ev.end * SR) });
    }
  }
  parts.push(rs.flush());
  const pcm = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    pcm.set(p, off);
    off += p.length;
  }
  return { pcm, phonemes };
}

async function animate(pcm: Float32Array, phonemes: readonly LipsyncInput[] = [], seed = 1): Promise<LipFrame[]> {
  const s = open(seed);
  const done = collectFrames(s);
  pushTurn(s, pcm, phonemes);
  s.push({ type: "end" });
  return done;
}

const framesIn = (frames: LipFrame[], start: number, end: number) => frames.filter((f) => f.sample >= start && f.sample < end);

describe("phoneme → viseme tables", () => {
  it.each([
    ["espeak", "p", ["PP"]], ["espeak", "m", ["PP"]], ["espeak", "f", ["FF"]], ["espeak", "v#", ["FF"]], ["espeak", "T", ["TH"]],
    ["espeak", "S", ["CH"]], ["espeak", "s", ["SS"]], ["espeak", "u:", ["ou"]], ["espeak", "'A:", ["aa"]], ["espeak", "i:", ["ih"]],
    ["espeak", "aI", ["aa", "ih"]], ["espeak", "oU", ["oh", "ou"]], ["espeak", "@", ["schwa"]], ["espeak", "_:", ["sil"]], ["espeak", "G", ["kk"]],
    ["arpabet", "UW1", ["ou"]], ["arpabet", "B", ["PP"]], ["arpabet", "AY2", ["aa", "ih"]], ["arpabet", "sil", ["sil"]],
    ["ipa", "ʃ", ["CH"]], ["ipa", "oʊ", ["oh", "ou"]], ["ipa", "ˈiː", ["ih"]], ["ipa", "θ", ["TH"]],
    ["espeak", "§", ["schwa"]], ["arpabet", "XYZ", ["schwa"]],
  ] as const)("%s %s → %j", (alphabet, phoneme, visemes) => {
    expect(visemesFor(phoneme, alphabet)).toEqual(visemes);
  });
});

describe("builtin lip-sync on espeak speech", () => {
  it("closes the lips on p/b/m, opens the jaw on open vowels, rounds on oo, spreads on ee", async () => {
    const { pcm, phonemes } = await espeakTurn("Bob bought a map. Who knew? She sees me.");
    const frames = await animate(pcm, phonemes);
    const at = (p: { startSample: number; endSample: number }) => framesIn(frames, p.startSample, p.endSample + 1);
    const of = (re: RegExp) => phonemes.filter((p) => re.test(p.phoneme) && p.endSample - p.startSample > 400);
    const peak = (ps: typeof phonemes, k: number, pick = Math.max) => ps.map((p) => pick(...at(p).map((f) => f.weights[k] ?? 0)));

    const closures = of(/^[bpm]$/);
    expect(closures.length).toBeGreaterThanOrEqual(4);
    for (const press of peak(closures, I.mouthPressLeft)) expect(press).toBeGreaterThan(0.25);
    // sealed: mouthClose takes back (nearly) all the jaw opening at some moment of every closure
    for (const p of closures) {
      const gap = Math.min(...at(p).map((f) => (f.weights[I.jawOpen] ?? 0) - (f.weights[I.mouthClose] ?? 0)));
      expect(gap).toBeLessThan(0.04);
    }
    const open = of(/^(0|O:|a)$/);
    expect(open.length).toBeGreaterThanOrEqual(2);
    for (const jaw of peak(open, I.jawOpen)) expect(jaw).toBeGreaterThan(0.25);
    const rounded = of(/^u:$/);
    const spread = of(/^i:$/);
    expect(mean(peak(rounded, I.mouthPucker))).toBeGreaterThan(mean(peak(spread, I.mouthPucker)) + 0.2);
    expect(mean(peak(spread, I.mouthStretchLeft))).toBeGreaterThan(mean(peak(rounded, I.mouthStretchLeft)) + 0.1);
  });

  it("from audio alone: rounded vowels pucker more than spread ones, and the jaw follows loudness", async () => {
    const round = await espeakTurn("Who knew you do, oh no, go slow.");
    const spread = await espeakTurn("He sees these keys, she pleases me.");
    const voiced = (fs: LipFrame[]) => fs.filter((f) => (f.weights[I.jawOpen] ?? 0) > 0.1);
    const r = voiced(await animate(round.pcm));
    const s = voiced(await animate(spread.pcm));
    const pucker = (fs: LipFrame[]) => mean(fs.map((f) => (f.weights[I.mouthPucker] ?? 0) + (f.weights[I.mouthFunnel] ?? 0)));
    const stretch = (fs: LipFrame[]) => mean(fs.map((f) => (f.weights[I.mouthStretchLeft] ?? 0) + (f.weights[I.mouthSmileLeft] ?? 0)));
    expect(pucker(r)).toBeGreaterThan(pucker(s) * 1.5);
    expect(stretch(s)).toBeGreaterThan(stretch(r) * 1.5);
  });

  it("scales the jaw by loudness: the same phonemes spoken 20 dB quieter open the mouth less", async () => {
    const { pcm, voicedFrom, voicedTo } = speechLikeAudio(0.3, 1);
    const len = voicedTo - voicedFrom;
    const both = new Float32Array(pcm.length + len);
    both.set(pcm.subarray(0, voicedTo));
    for (let i = 0; i < len; i++) both[voicedTo + i] = 0.1 * (pcm[voicedFrom + i] ?? 0);
    const phonemes: LipsyncInput[] = [voicedFrom, voicedTo].flatMap((start) =>
      Array.from({ length: 10 }, (_, k) => ({ type: "phoneme" as const, phoneme: k % 2 ? "d" : "a", alphabet: "espeak" as const, startSample: start + (k * len) / 10, endSample: start + ((k + 1) * len) / 10 })),
    );
    const frames = await animate(both, phonemes);
    const jaw = (a: number, b: number) => mean(framesIn(frames, a, b).map((f) => f.weights[I.jawOpen] ?? 0));
    const loud = jaw(voicedFrom + 2400, voicedTo - 2400);
    const quiet = jaw(voicedTo + 2400, voicedTo + len - 2400);
    expect(quiet).toBeGreaterThan(0.02);
    expect(quiet).toBeLessThan(loud * 0.8);
  });
});

describe("builtin lip-sync: face life", () => {
  it("blinks about 15–20 times a minute, each about 150 ms, eyes open otherwise; the mouth rests in silence", async () => {
    const frames = await animate(new Float32Array(60 * SR), [], 11);
    const lid = frames.map((f) => f.weights[I.eyeBlinkLeft] ?? 0);
    let blinks = 0;
    let run = 0;
    const lengths: number[] = [];
    for (const v of lid) {
      if (v > 0.01) run++;
      else if (run > 0) {
        lengths.push(run);
        run = 0;
      }
    }
    for (let i = 1; i < lid.length; i++) if ((lid[i - 1] ?? 0) < 0.5 && (lid[i] ?? 0) >= 0.5) blinks++;
    expect(blinks).toBeGreaterThanOrEqual(12);
    expect(blinks).toBeLessThanOrEqual(24);
    for (const n of lengths) expect(Math.abs(n / LIP_FPS - 0.15)).toBeLessThan(0.04);
    expect(Math.max(...lid)).toBeGreaterThan(0.95);
    for (const f of frames) for (const k of MOUTH) expect(f.weights[k]).toBe(0);
    expect(frames.every((f) => (f.weights[I.browInnerUp] ?? 0) === 0)).toBe(true);
  });

  it("raises the brows a little on loud syllables, never in silence", async () => {
    const { pcm, voicedFrom, voicedTo } = speechLikeAudio(0.5, 3);
    const frames = await animate(pcm);
    const brow = frames.map((f) => f.weights[I.browInnerUp] ?? 0);
    expect(Math.max(...brow)).toBeGreaterThan(0.1);
    expect(Math.max(...brow)).toBeLessThan(0.5);
    expect(Math.max(...framesIn(frames, 0, voicedFrom).map((f) => f.weights[I.browInnerUp] ?? 0))).toBe(0);
    expect(framesIn(frames, voicedTo, pcm.length).length).toBeGreaterThan(0);
  });

  it("is reproducible with the same seed and differs with another", async () => {
    const { pcm } = speechLikeAudio(2, 1);
    const a = await animate(pcm, [], 5);
    const b = await animate(pcm, [], 5);
    const c = await animate(pcm, [], 6);
    expect(b.map((f) => Array.from(f.weights))).toEqual(a.map((f) => Array.from(f.weights)));
    expect(c.map((f) => Array.from(f.weights))).not.toEqual(a.map((f) => Array.from(f.weights)));
  });
});

describe("builtin lip-sync: streaming", () => {
  const lookahead = Math.round(0.05 * SR);

  it("emits a frame once the audio 50 ms past it has arrived", async () => {
    const s = open();
    const seen: LipFrame[] = [];
    const done = (async () => {
      for await (const f of s.frames) seen.push(f);
    })();
    s.push({ type: "audio", pcm: new Float32Array(SR), sample: 0 });
    await new Promise((r) => setTimeout(r, 10));
    const last = seen[seen.length - 1]!.sample;
    expect(last).toBeLessThanOrEqual(SR - lookahead);
    expect(last).toBeGreaterThan(SR - lookahead - SR / LIP_FPS);
    s.push({ type: "end" });
    await done;
  });

  it("with phonemes, waits for them to reach past the frame — unless the audio runs 300 ms ahead of them", async () => {
    const s = open();
    const seen: LipFrame[] = [];
    const done = (async () => {
      for await (const f of s.frames) seen.push(f);
    })();
    const tick = () => new Promise((r) => setTimeout(r, 5));
    s.push({ type: "phoneme", phoneme: "a", alphabet: "espeak", startSample: 0, endSample: 4800 });
    s.push({ type: "audio", pcm: new Float32Array(9600), sample: 0 });
    await tick();
    expect(seen[seen.length - 1]!.sample).toBeLessThanOrEqual(4800 - lookahead);
    s.push({ type: "phoneme", phoneme: "b", alphabet: "espeak", startSample: 4800, endSample: 7200 });
    await tick();
    expect(seen[seen.length - 1]!.sample).toBeGreaterThan(4800 - lookahead);
    expect(seen[seen.length - 1]!.sample).toBeLessThanOrEqual(7200 - lookahead);
    s.push({ type: "audio", pcm: new Float32Array(9600), sample: 9600 });
    await tick();
    expect(seen[seen.length - 1]!.sample).toBeGreaterThan(7200);
    s.push({ type: "end" });
    await done;
    expect(seen[seen.length - 1]!.sample).toBe(19200 - SR / LIP_FPS);
  });

  it("after the end, frames go on over silence until the mouth has settled (at most 300 ms)", async () => {
    const { pcm, voicedTo } = speechLikeAudio(0.3, 1);
    const cut = pcm.subarray(0, voicedTo - 2400); // the audio stops mid-syllable
    const frames = await animate(cut);
    const last = frames[frames.length - 1]!;
    expect(last.sample).toBeGreaterThan(cut.length);
    expect(last.sample).toBeLessThanOrEqual(cut.length + 0.3 * SR);
    expect(Math.max(...MOUTH.map((k) => last.weights[k] ?? 0))).toBeLessThan(0.05);
    const atEnd = frames.filter((f) => f.sample < cut.length).pop()!;
    expect(Math.max(...MOUTH.map((k) => atEnd.weights[k] ?? 0))).toBeGreaterThan(0.1);
  });

  it("abort drops frames not yet taken", async () => {
    const ac = new AbortController();
    const s = open(1, ac.signal);
    s.push({ type: "audio", pcm: new Float32Array(SR), sample: 0 });
    ac.abort();
    expect(await collectFrames(s, 1000)).toEqual([]);
  });
});
