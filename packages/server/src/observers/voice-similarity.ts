/**
 * Per visit: how close the double's voice is to the visitor's sample, for the base voice as shipped and
 * for the converted clone, both speaking a probe sentence the sample did not contain (audio/similarity.ts).
 */
import type { Language } from "@mirror/protocol";
import type { Tts, VoiceProfile, VoiceSample } from "../core/contracts/tts.js";
import { compareVoices, voiceFeatures } from "../audio/similarity.js";
import type { VoiceSimilarity } from "../audio/similarity.js";
import { DEFAULT_PITCH, DEFAULT_RANGE, DEFAULT_RATE } from "../stages/tts/espeak/calibration.js";

export const SIMILARITY_PROBE: Record<Language, string> = {
  en: "I remember the long summer evenings by the river, when nobody was in a hurry and the water was warm.",
  nl: "Ik herinner me de lange zomeravonden bij de rivier, toen niemand haast had en het water warm was.",
};

export interface CloneSimilarity {
  base: VoiceSimilarity;
  converted: VoiceSimilarity;
}

type WithUnconverted = Tts & { unconverted?: (voice: VoiceProfile) => VoiceProfile };

/** The clone's base voice without the conversion; null when the provider cannot say. */
export function unconvertedVoice(tts: WithUnconverted, voice: VoiceProfile): VoiceProfile | null {
  if (tts.unconverted) return tts.unconverted(voice);
  if (voice.provider === "tts/espeak" && typeof voice.state.voice === "string") {
    return { ...voice, id: `${voice.id}-unconverted`, state: { voice: voice.state.voice, pitch: DEFAULT_PITCH, rate: DEFAULT_RATE, range: DEFAULT_RANGE } };
  }
  return null;
}

async function speak(tts: Tts, text: string, voice: VoiceProfile, signal: AbortSignal): Promise<{ pcm: Float32Array; sampleRate: number }> {
  const parts: Float32Array[] = [];
  let sampleRate = tts.capabilities.sampleRate;
  for await (const ev of tts.synthesize({ text, voice, signal })) {
    if (ev.type !== "audio") continue;
    parts.push(ev.pcm);
    sampleRate = ev.sampleRate;
  }
  const pcm = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    pcm.set(p, off);
    off += p.length;
  }
  return { pcm, sampleRate };
}

/** Null when the provider has no unconverted form of this voice. */
export async function measureCloneSimilarity(tts: WithUnconverted, voice: VoiceProfile, sample: VoiceSample, signal: AbortSignal): Promise<CloneSimilarity | null> {
  const base = unconvertedVoice(tts, voice);
  if (!base) return null;
  const text = SIMILARITY_PROBE[voice.language];
  const target = voiceFeatures(sample.pcm, sample.sampleRate);
  const b = await speak(tts, text, base, signal);
  const c = await speak(tts, text, voice, signal);
  return { base: compareVoices(target, voiceFeatures(b.pcm, b.sampleRate)), converted: compareVoices(target, voiceFeatures(c.pcm, c.sampleRate)) };
}
