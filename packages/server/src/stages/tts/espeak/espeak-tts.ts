/**
 * Embedded TTS on libespeak-ng. Its "clone" picks a female or male variant by the visitor's pitch and
 * sets espeak's pitch, pitch range and rate so that the synthesized voice measures like the visitor's.
 */
import { randomUUID } from "node:crypto";
import type { Language } from "@mirror/protocol";
import type { Health } from "../../../core/contracts/common.js";
import type { Tts, TtsCapabilities, TtsEvent, TtsRequest, VoiceProfile, VoiceSample } from "../../../core/contracts/tts.js";
import { ProviderError, isAbort, throwIfAborted } from "../../../core/errors.js";
import { guardedSynthesis } from "../shared/engine-stream.js";
import { wipeState } from "../shared/wipe-state.js";
import { raceAbort } from "../shared/race-abort.js";
import { designEq, eqCurve, levelMatchedEq, StreamingFir } from "../../../audio/fir.js";
import { resampleSinc } from "../../../audio/resample.js";
import { sampleAnalysis, sampleFeatures } from "../../../audio/sample-memo.js";
import { compareVoices, voiceFeatures } from "../../../audio/similarity.js";
import { smoothedLtasDb, SPECTRUM_RATE } from "../../../audio/spectrum.js";
import type { VoiceFeatures } from "../../../audio/similarity.js";
import { CALIBRATION_TEXT, calibrateVariant, DEFAULT_PITCH, DEFAULT_RANGE, DEFAULT_RATE, matchVoice } from "./calibration.js";
import type { VariantCalibration } from "./calibration.js";
import { sharedEngine } from "./engine.js";
import type { EngineOptions, EspeakEngine, SpeakSettings } from "./engine.js";
import { EspeakTimeline } from "./timeline.js";

export const ESPEAK_SAMPLE_RATE = 22050;
const PROVIDER = "tts/espeak";

export interface EspeakTtsOptions extends EngineOptions {
  /** espeak voice per language (before the "+variant") */
  voices?: Partial<Record<Language, string>>;
  /** variants used for low and high voices */
  variants?: { low: string; high: string };
  /** median F0 at or above which the high variant is used */
  highVoiceMinF0Hz?: number;
  /** false: F0, range and rate only (no spectral envelope EQ) */
  timbre?: boolean;
}

/** What an espeak VoiceProfile keeps in `state`. */
export interface EspeakVoiceState extends SpeakSettings {
  /** long-term spectral envelope EQ toward the sample (taps at espeak's rate), null = none */
  eq: Float32Array | null;
  target: { medianF0Hz: number | null; syllablesPerSecond: number | null };
  achieved: { medianF0Hz: number | null; syllablesPerSecond: number | null };
}

const DEFAULT_VOICES: Record<Language, string> = { en: "en-us", nl: "nl" };

export function createEspeakTts(opts: EspeakTtsOptions = {}): Tts {
  const voices = { ...DEFAULT_VOICES, ...opts.voices };
  const variants = opts.variants ?? { low: "m3", high: "f3" };
  const highMin = opts.highVoiceMinF0Hz ?? 165;
  const calibrations = new Map<string, Promise<VariantCalibration>>();
  let engine: EspeakEngine | null = null;

  const getEngine = (): EspeakEngine => {
    if (engine) return engine;
    try {
      engine = sharedEngine(opts);
    } catch (err) {
      throw new ProviderError(PROVIDER, `libespeak-ng unavailable: ${err instanceof Error ? err.message : String(err)}`, { retryable: false, cause: err });
    }
    if (engine.sampleRate !== ESPEAK_SAMPLE_RATE) throw new ProviderError(PROVIDER, `espeak runs at ${engine.sampleRate} Hz`, { retryable: false });
    return engine;
  };

  // Calibrations are shared by every clone of the variant, so one caller's abort must not cancel them.
  const calibration = (e: EspeakEngine, voice: string, language: Language, signal: AbortSignal): Promise<VariantCalibration> => {
    let cal = calibrations.get(voice);
    if (!cal) {
      cal = calibrateVariant(e, voice, language, new AbortController().signal);
      calibrations.set(voice, cal);
      cal.catch(() => calibrations.delete(voice));
    }
    return raceAbort(cal, signal);
  };

  // the variant at its default settings: the unconverted side of the similarity score, one per variant
  const bases = new Map<string, Promise<VoiceFeatures>>();
  const baseFeatures = (e: EspeakEngine, voice: string, language: Language): Promise<VoiceFeatures> => {
    let b = bases.get(voice);
    if (!b) {
      const settings = { voice, pitch: DEFAULT_PITCH, rate: DEFAULT_RATE, range: DEFAULT_RANGE };
      b = e.render(CALIBRATION_TEXT[language], settings, new AbortController().signal).then((pcm) => voiceFeatures(pcm, e.sampleRate));
      bases.set(voice, b);
      b.catch(() => bases.delete(voice));
    }
    return b;
  };

  const capabilities: TtsCapabilities = { streaming: true, timings: "phoneme", sampleRate: ESPEAK_SAMPLE_RATE };

  return {
    info: { id: PROVIDER, stage: "tts", languages: ["en", "nl"], local: true },
    capabilities,

    async warmup() {
      const e = getEngine();
      const signal = new AbortController().signal;
      await Promise.all(
        (["en", "nl"] as const).flatMap((lang) =>
          [variants.low, variants.high].flatMap((v) => [calibration(e, `${voices[lang]}+${v}`, lang, signal), baseFeatures(e, `${voices[lang]}+${v}`, lang)]),
        ),
      );
    },

    health(): Promise<Health> {
      try {
        return Promise.resolve({ ok: true, detail: `espeak-ng ${getEngine().version()}` });
      } catch (err) {
        return Promise.resolve({ ok: false, detail: err instanceof Error ? err.message : String(err) });
      }
    },

    async cloneVoice(sample: VoiceSample, signal: AbortSignal): Promise<VoiceProfile> {
      throwIfAborted(signal);
      const e = getEngine();
      const measured = sampleAnalysis(sample.pcm, sample.sampleRate);
      const variant = measured.medianF0Hz !== null && measured.medianF0Hz >= highMin ? variants.high : variants.low;
      const voice = `${voices[sample.language]}+${variant}`;
      try {
        const [cal, base] = await Promise.all([calibration(e, voice, sample.language, signal), baseFeatures(e, voice, sample.language)]);
        throwIfAborted(signal);
        const match = await matchVoice(e, cal, measured, sample.language, signal);
        // scored on the calibration text, which the sample did not contain
        const sampleFeats = sampleFeatures(sample.pcm, sample.sampleRate);
        let spoken = match.spoken.pcm;
        let eq: Float32Array | null = null;
        if (opts.timbre !== false && sampleFeats.ltas) {
          // the long-term envelope espeak's parameters cannot reach: measured on the matched voice itself
          const converted = smoothedLtasDb(resampleSinc(spoken, e.sampleRate, SPECTRUM_RATE));
          if (converted) ({ taps: eq, equalized: spoken } = levelMatchedEq(designEq(eqCurve(sampleFeats.ltas, converted), undefined, e.sampleRate), spoken));
        }
        const similarity = {
          base: compareVoices(sampleFeats, base).score,
          converted: compareVoices(sampleFeats, voiceFeatures(spoken, e.sampleRate, match.spoken.analysis)).score,
        };
        const state: EspeakVoiceState = {
          ...match.settings,
          eq,
          target: { medianF0Hz: measured.medianF0Hz, syllablesPerSecond: measured.syllablesPerSecond },
          achieved: match.achieved,
        };
        return {
          id: `espeak-${randomUUID()}`,
          provider: PROVIDER,
          language: sample.language,
          medianF0Hz: measured.medianF0Hz,
          syllablesPerSecond: measured.syllablesPerSecond,
          state: { ...state },
          similarity,
        };
      } catch (err) {
        if (isAbort(err, signal)) throw err;
        throw new ProviderError(PROVIDER, `clone failed: ${err instanceof Error ? err.message : String(err)}`, { retryable: false, cause: err });
      }
    },

    forgetVoice(voice: VoiceProfile): Promise<void> {
      wipeState(voice);
      return Promise.resolve();
    },

    synthesize(req: TtsRequest): AsyncIterable<TtsEvent> {
      return synthesize(getEngine, req, settingsFor(req.voice, voices), eqOf(req.voice));
    },
  };
}

function synthesize(getEngine: () => EspeakEngine, req: TtsRequest, settings: SpeakSettings, eq: Float32Array | null): AsyncGenerator<TtsEvent> {
  return guardedSynthesis(PROVIDER, req, async function* (text) {
    const engine = getEngine();
    const timeline = new EspeakTimeline(text, engine.sampleRate);
    // the EQ's delay is taken out and its tail flushed, so the audio keeps its length and the timeline holds
    const fir = eq ? new StreamingFir(eq) : null;
    let total = 0;
    for await (const chunk of engine.speak(text, settings, req.signal)) {
      yield* timeline.push(chunk.events);
      if (chunk.pcm.length > 0) {
        total += chunk.pcm.length;
        const pcm = fir ? fir.push(chunk.pcm) : chunk.pcm;
        if (pcm.length > 0) yield { type: "audio", pcm, sampleRate: engine.sampleRate };
      }
    }
    const tail = fir?.flush();
    if (tail && tail.length > 0) yield { type: "audio", pcm: tail, sampleRate: engine.sampleRate };
    yield* timeline.finish(total);
  });
}

function eqOf(voice: VoiceProfile): Float32Array | null {
  return voice.provider === PROVIDER && voice.state.eq instanceof Float32Array ? voice.state.eq : null;
}

/** Settings stored by cloneVoice, or the language's default voice for a forgotten or foreign profile. */
function settingsFor(voice: VoiceProfile, voices: Record<Language, string>): SpeakSettings {
  const s: Record<string, unknown> = voice.provider === PROVIDER ? voice.state : {};
  const num = (v: unknown, fallback: number) => (typeof v === "number" && Number.isFinite(v) ? v : fallback);
  const name = typeof s.voice === "string" ? s.voice : voices[voice.language];
  return {
    voice: name,
    pitch: num(s.pitch, DEFAULT_PITCH),
    rate: num(s.rate, DEFAULT_RATE),
    range: num(s.range, DEFAULT_RANGE),
  };
}
