/**
 * The embedded cloned voice for English: a shipped flite clustergen voice (slt, or rms/awb for low voices)
 * converted toward the visitor (see conversion.ts), streamed as flite makes it, with ARPAbet phone timings.
 */
import { randomUUID } from "node:crypto";
import type { Health } from "../../../core/contracts/common.js";
import type { Tts, TtsCapabilities, TtsEvent, TtsRequest, VoiceProfile, VoiceSample } from "../../../core/contracts/tts.js";
import { ProviderError, isAbort, throwIfAborted } from "../../../core/errors.js";
import { guardedSynthesis } from "../shared/engine-stream.js";
import { wipeState } from "../shared/wipe-state.js";
import { analyzeVoice } from "../../../audio/analysis.js";
import { designEq, eqCurve, levelMatchedEq, StreamingFir } from "../../../audio/fir.js";
import { sampleAnalysis, sampleFeatures, sampleLtas } from "../../../audio/sample-memo.js";
import { compareVoices, voiceFeatures } from "../../../audio/similarity.js";
import { smoothedLtasDb } from "../../../audio/spectrum.js";
import { CALIBRATION_TEXT } from "../espeak/calibration.js";
import { splitForRequests } from "../shared/text.js";
import { durationStretch, f0Stddev, fitAlpha } from "./conversion.js";
import type { BaseVoiceStats } from "./conversion.js";
import { sharedFliteEngine } from "./engine.js";
import type { FliteEngine, FliteSettings } from "./engine.js";
import type { FliteVoiceName } from "./ffi.js";

export const FLITE_SAMPLE_RATE = 16_000;
const PROVIDER = "tts/flite";

export interface FliteTtsOptions {
  /** median F0 at or above which the female voice is the base */
  highVoiceMinF0Hz?: number;
  low?: readonly FliteVoiceName[];
  high?: readonly FliteVoiceName[];
  /** skip the vocal-tract warp and the EQ (F0 and rate only) */
  timbre?: boolean;
}

/** What a flite VoiceProfile keeps in `state`. */
export interface FliteVoiceState {
  settings: FliteSettings;
  /** EQ taps (16 kHz), null = none */
  eq: Float32Array | null;
  /** LTAS fit of the chosen warp, dB RMS */
  warpFitDb: number;
}

export function defaultSettings(voice: FliteVoiceName): FliteSettings {
  return { voice, f0MeanHz: null, f0StddevHz: null, durationStretch: 1, alpha: null };
}

export function createFliteTts(opts: FliteTtsOptions = {}): Tts & { unconverted(voice: VoiceProfile): VoiceProfile } {
  const highMin = opts.highVoiceMinF0Hz ?? 165;
  const low = opts.low ?? ["rms", "awb"];
  const high = opts.high ?? ["slt"];
  const stats = new Map<FliteVoiceName, Promise<BaseVoiceStats>>();
  let engine: FliteEngine | null = null;

  const getEngine = (): FliteEngine => {
    if (engine) return engine;
    try {
      engine = sharedFliteEngine();
    } catch (err) {
      throw new ProviderError(PROVIDER, `libflite unavailable: ${err instanceof Error ? err.message : String(err)}`, { retryable: false, cause: err });
    }
    return engine;
  };

  // measured once per voice, shared by every clone, so one caller's abort must not cancel it
  const baseStats = (e: FliteEngine, voice: FliteVoiceName): Promise<BaseVoiceStats> => {
    let s = stats.get(voice);
    if (!s) {
      s = (async () => {
        const pcm = await e.render(CALIBRATION_TEXT.en, defaultSettings(voice), new AbortController().signal);
        const ltas = smoothedLtasDb(pcm);
        if (!ltas) throw new Error(`flite ${voice} made no speech`);
        const features = voiceFeatures(pcm, FLITE_SAMPLE_RATE);
        return { voice, ltas, features, syllablesPerSecond: analyzeVoice(pcm, FLITE_SAMPLE_RATE).syllablesPerSecond, baseAlpha: e.voice(voice).baseAlpha };
      })();
      stats.set(voice, s);
      s.catch(() => stats.delete(voice));
    }
    return s;
  };

  const capabilities: TtsCapabilities = { streaming: true, timings: "phoneme", sampleRate: FLITE_SAMPLE_RATE };

  return {
    info: { id: PROVIDER, stage: "tts", languages: ["en"], local: true },
    capabilities,

    async warmup() {
      const e = getEngine();
      await Promise.all([...low, ...high].map((v) => baseStats(e, v)));
    },

    health(): Promise<Health> {
      try {
        getEngine().voice(high[0] ?? "slt");
        return Promise.resolve({ ok: true, detail: "flite 2.2" });
      } catch (err) {
        return Promise.resolve({ ok: false, detail: err instanceof Error ? err.message : String(err) });
      }
    },

    async cloneVoice(sample: VoiceSample, signal: AbortSignal): Promise<VoiceProfile> {
      throwIfAborted(signal);
      if (sample.language !== "en") throw new ProviderError(PROVIDER, `flite speaks English only, not ${sample.language}`, { retryable: false });
      const e = getEngine();
      try {
        const measured = sampleAnalysis(sample.pcm, sample.sampleRate);
        const target = sampleLtas(sample.pcm, sample.sampleRate);
        if (!target) throw new Error("the sample holds no speech");
        const names = measured.medianF0Hz === null ? [...high, ...low] : measured.medianF0Hz >= highMin ? high : low;
        const bases = await Promise.all(names.map((n) => baseStats(e, n)));
        throwIfAborted(signal);
        const fits = bases.map((b) => ({ base: b, fit: fitAlpha(b, target) })).sort((a, b) => a.fit.distanceDb - b.fit.distanceDb);
        const chosen = fits[0];
        if (!chosen) throw new Error("no base voice");
        const settings: FliteSettings = {
          voice: chosen.base.voice,
          f0MeanHz: measured.medianF0Hz,
          f0StddevHz: f0Stddev(measured.f0IqrHz),
          durationStretch: durationStretch(chosen.base.syllablesPerSecond, measured.syllablesPerSecond),
          alpha: opts.timbre === false ? null : chosen.fit.alpha,
        };
        // the one synthesis of the clone: the calibration text in the converted voice (EQ measure, similarity)
        let spoken = await e.render(CALIBRATION_TEXT.en, settings, signal);
        let eq: Float32Array | null = null;
        if (opts.timbre !== false) {
          // the EQ is measured on the converted voice itself, so it corrects what F0 and warp left
          const converted = smoothedLtasDb(spoken);
          if (converted) ({ taps: eq, equalized: spoken } = levelMatchedEq(designEq(eqCurve(target, converted)), spoken));
        }
        // scored on the calibration text, which the sample did not contain
        const sampleFeats = sampleFeatures(sample.pcm, sample.sampleRate);
        const similarity = {
          base: compareVoices(sampleFeats, chosen.base.features).score,
          converted: compareVoices(sampleFeats, voiceFeatures(spoken, FLITE_SAMPLE_RATE)).score,
        };
        const state: FliteVoiceState = { settings, eq, warpFitDb: chosen.fit.distanceDb };
        return {
          id: `flite-${randomUUID()}`,
          provider: PROVIDER,
          language: "en",
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
      return synthesize(getEngine, req);
    },

    /** The same base voice with none of the conversion: what the similarity score compares against. */
    unconverted(voice: VoiceProfile): VoiceProfile {
      const s = stateOf(voice);
      return { ...voice, id: `${voice.id}-unconverted`, state: { settings: defaultSettings(s?.settings.voice ?? "slt"), eq: null, warpFitDb: 0 } };
    },
  };
}

function stateOf(voice: VoiceProfile): FliteVoiceState | null {
  if (voice.provider !== PROVIDER) return null;
  const s = voice.state as Partial<FliteVoiceState>;
  return s.settings ? (s as FliteVoiceState) : null;
}

function synthesize(getEngine: () => FliteEngine, req: TtsRequest): AsyncGenerator<TtsEvent> {
  return guardedSynthesis(PROVIDER, req, async function* (text) {
    const engine = getEngine();
    const state = stateOf(req.voice);
    const settings = state?.settings ?? defaultSettings("slt");
    const fir = state?.eq ? new StreamingFir(state.eq) : null;
    let offset = 0; // seconds of audio before the current sentence
    // flite plans a whole utterance before its first sample, so each sentence is its own utterance
    for (const sentence of splitForRequests(text)) {
      let samples = 0;
      for await (const chunk of engine.speak(sentence, settings, req.signal)) {
        if (chunk.segments) {
          let start = 0;
          for (const seg of chunk.segments) {
            yield { type: "phoneme", phoneme: seg.phone, alphabet: "arpabet", start: offset + start, end: offset + seg.end };
            start = seg.end;
          }
        }
        samples += chunk.pcm.length;
        const pcm = fir ? fir.push(chunk.pcm) : chunk.pcm;
        if (pcm.length > 0) yield { type: "audio", pcm, sampleRate: FLITE_SAMPLE_RATE };
      }
      offset += samples / FLITE_SAMPLE_RATE;
    }
    const tail = fir?.flush();
    if (tail && tail.length > 0) yield { type: "audio", pcm: tail, sampleRate: FLITE_SAMPLE_RATE };
  });
}
