import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Language } from "@mirror/protocol";
import { rms } from "../../audio/pcm.js";
import { decodeWav } from "../../audio/wav.js";
import type { Tts, TtsEvent, VoiceProfile, VoiceSample } from "../../core/contracts/tts.js";
import { isAbort } from "../../core/errors.js";

/** The recorded visitor of fixtures/visitor-1 as a voice sample. */
export function fixtureVoiceSample(language: Language = "en"): VoiceSample {
  const dir = new URL("../../../../../fixtures/visitor-1/", import.meta.url);
  const wav = decodeWav(readFileSync(new URL("sample.wav", dir)));
  const meta = JSON.parse(readFileSync(new URL("visitor.json", dir), "utf8")) as { sampleText: string };
  return { pcm: wav.pcm, sampleRate: wav.sampleRate, transcript: meta.sampleText, language };
}

export interface Synthesis {
  events: TtsEvent[];
  pcm: Float32Array;
  sampleRate: number;
  /** ms from the call to the first audio event (-1 without audio) */
  firstAudioMs: number;
  totalMs: number;
  /** the abort error, when the stream ended by one */
  aborted: unknown;
}

/** Runs one synthesis to its end; `onEvent` may abort it. Fails the test when the stream does not end in time. */
export async function synthesizeAll(
  tts: Tts,
  text: string,
  voice: VoiceProfile,
  signal: AbortSignal = new AbortController().signal,
  onEvent?: (ev: TtsEvent) => void,
  timeoutMs = 20_000,
): Promise<Synthesis> {
  const events: TtsEvent[] = [];
  const parts: Float32Array[] = [];
  let sampleRate = tts.capabilities.sampleRate;
  let firstAudioMs = -1;
  let aborted: unknown = null;
  const t0 = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`synthesis did not end within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([
      (async () => {
        try {
          for await (const ev of tts.synthesize({ text, voice, signal })) {
            events.push(ev);
            if (ev.type === "audio") {
              if (firstAudioMs < 0) firstAudioMs = performance.now() - t0;
              parts.push(ev.pcm);
              sampleRate = ev.sampleRate;
            }
            onEvent?.(ev);
          }
        } catch (err) {
          if (!isAbort(err, signal)) throw err;
          aborted = err;
        }
      })(),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
  const pcm = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    pcm.set(p, off);
    off += p.length;
  }
  return { events, pcm, sampleRate, firstAudioMs, totalMs: performance.now() - t0, aborted };
}

export interface TtsContractOptions {
  /** voice sample to clone (default: fixtures/visitor-1) */
  sample?: () => VoiceSample;
  sentences?: Partial<Record<Language, string>>;
  /** a text long enough that aborting after the first audio leaves most of it unsaid */
  longText?: string;
}

const SENTENCES: Record<Language, string> = {
  en: "Hello, I am your mirror, and I speak with your voice.",
  nl: "Hallo, ik ben je spiegel en ik spreek met jouw stem.",
};

const LONG_TEXT =
  "This is a long answer that goes on for quite a while. It has several sentences, so that a streaming voice " +
  "has plenty left to say when it is interrupted. Nobody should have to listen to all of it, because the visitor " +
  "started speaking again, and the double must stop talking at once and listen.";

export function ttsContract(name: string, factory: () => Tts | Promise<Tts>, opts: TtsContractOptions = {}): void {
  const sentences = { ...SENTENCES, ...opts.sentences };
  const longText = opts.longText ?? LONG_TEXT;

  describe(`TTS contract: ${name}`, () => {
    let tts: Tts;
    let voice: VoiceProfile;
    let sample: VoiceSample;

    beforeAll(async () => {
      tts = await factory();
      await tts.warmup?.();
      sample = (opts.sample ?? fixtureVoiceSample)();
      voice = await tts.cloneVoice(sample, new AbortController().signal);
    }, 120_000);
    afterAll(async () => {
      if (voice) await tts.forgetVoice(voice);
      await tts.close?.();
    });

    it("describes itself as a TTS", () => {
      expect(tts.info.stage).toBe("tts");
      expect(tts.capabilities.sampleRate).toBeGreaterThan(0);
      expect(["phoneme", "word", "none"]).toContain(tts.capabilities.timings);
    });

    it("clones a voice for the sample's language, with what it measured", () => {
      expect(voice.language).toBe(sample.language);
      expect(voice.provider).toBe(tts.info.id);
      expect(voice.id).not.toBe("");
      for (const v of [voice.medianF0Hz, voice.syllablesPerSecond]) if (v !== null) expect(v).toBeGreaterThan(0);
    });

    it("speaks a sentence: non-silent audio at the advertised sample rate, of plausible length", async () => {
      const s = await synthesizeAll(tts, sentences[voice.language], voice);
      const audio = s.events.filter((e) => e.type === "audio");
      expect(audio.length).toBeGreaterThan(0);
      for (const a of audio) expect(a.sampleRate).toBe(tts.capabilities.sampleRate);
      const seconds = s.pcm.length / s.sampleRate;
      expect(seconds).toBeGreaterThan(1);
      expect(seconds).toBeLessThan(15);
      expect(rms(s.pcm)).toBeGreaterThan(0.01);
      for (const v of s.pcm) expect(Number.isFinite(v) && Math.abs(v) <= 1).toBe(true);
    });

    it("gives timings as advertised: ordered, start <= end, inside the audio", async () => {
      const s = await synthesizeAll(tts, sentences[voice.language], voice);
      const duration = s.pcm.length / s.sampleRate;
      const phonemes = s.events.filter((e) => e.type === "phoneme");
      const words = s.events.filter((e) => e.type === "word");
      if (tts.capabilities.timings === "none") {
        expect(phonemes.length + words.length).toBe(0);
        return;
      }
      if (tts.capabilities.timings === "phoneme") expect(phonemes.length).toBeGreaterThan(5);
      else expect(words.length).toBeGreaterThan(2);
      for (const list of [phonemes, words]) {
        let last = 0;
        for (const e of list) {
          expect(e.start).toBeGreaterThanOrEqual(last);
          expect(e.end).toBeGreaterThanOrEqual(e.start);
          expect(e.end).toBeLessThanOrEqual(duration + 0.05);
          last = e.start;
        }
      }
      for (const p of phonemes) expect(p.phoneme).not.toBe("");
      for (const w of words) expect(w.text.trim()).not.toBe("");
    });

    it("streams when it says so: first audio well before the whole text is done", async () => {
      if (!tts.capabilities.streaming) return;
      const s = await synthesizeAll(tts, longText, voice);
      const audio = s.events.filter((e) => e.type === "audio");
      expect(audio.length).toBeGreaterThan(1);
      expect(s.firstAudioMs).toBeLessThan(s.totalMs / 2);
    });

    it("stops early when aborted, and an aborted signal gives no audio", async () => {
      const full = await synthesizeAll(tts, longText, voice);
      const ac = new AbortController();
      let abortedAtSamples = -1;
      let sawAudio = 0;
      const cut = await synthesizeAll(tts, longText, voice, ac.signal, (ev) => {
        if (ev.type !== "audio") return;
        sawAudio += ev.pcm.length;
        if (abortedAtSamples < 0 && tts.capabilities.streaming) {
          abortedAtSamples = sawAudio;
          ac.abort();
        }
      });
      if (tts.capabilities.streaming) expect(cut.pcm.length).toBeLessThan(full.pcm.length / 2);

      const pre = new AbortController();
      pre.abort();
      const none = await synthesizeAll(tts, longText, voice, pre.signal);
      expect(none.pcm.length).toBe(0);
    });

    it("keeps working after an abort", async () => {
      const ac = new AbortController();
      await synthesizeAll(tts, longText, voice, ac.signal, () => ac.abort());
      const s = await synthesizeAll(tts, sentences[voice.language], voice);
      expect(rms(s.pcm)).toBeGreaterThan(0.01);
    });

    it("takes empty and blank text without error", async () => {
      for (const text of ["", "   "]) {
        const s = await synthesizeAll(tts, text, voice);
        expect(s.aborted).toBeNull();
        expect(s.pcm.length / s.sampleRate).toBeLessThan(1);
      }
    });

    it("speaks every language it claims", async () => {
      const langs = tts.info.languages === "any" ? (["en"] as const) : tts.info.languages;
      for (const language of langs) {
        const v = await tts.cloneVoice({ ...sample, language }, new AbortController().signal);
        try {
          expect(v.language).toBe(language);
          const s = await synthesizeAll(tts, sentences[language], v);
          expect(rms(s.pcm)).toBeGreaterThan(0.01);
        } finally {
          await tts.forgetVoice(v);
        }
      }
    });

    it("clone → forget round trip; forgetting twice is harmless; a clone can be aborted", async () => {
      const v = await tts.cloneVoice(sample, new AbortController().signal);
      await tts.forgetVoice(v);
      await tts.forgetVoice(v);
      const ac = new AbortController();
      ac.abort();
      const err = await tts.cloneVoice(sample, ac.signal).then(
        () => null,
        (e: unknown) => e,
      );
      expect(isAbort(err)).toBe(true);
    });
  });
}
