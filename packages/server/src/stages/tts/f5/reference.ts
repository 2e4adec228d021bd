import type { VoiceSample } from "../../../core/contracts/tts.js";
import { analyzeVoice } from "../../../audio/analysis.js";
import { resampleSinc } from "../../../audio/resample.js";
import { encodeWav } from "../../../audio/wav.js";
import type { PrivateFiles } from "../shared/private-files.js";

export const F5_SAMPLE_RATE = 24_000;
/** F5-TTS clips references longer than this (preprocess_ref_audio_text), losing the transcript alignment. */
export const F5_MAX_REFERENCE_S = 12;

export interface F5Reference {
  /** 24 kHz mono 16-bit WAV */
  wav: Uint8Array;
  /** exact words of the reference (F5 transcribes with Whisper when empty) */
  text: string;
  seconds: number;
  medianF0Hz: number | null;
  syllablesPerSecond: number | null;
}

/** The visitor's cleaned sample as F5 wants it: 24 kHz, band-limited resampling, with its transcript. */
export function prepareF5Reference(sample: VoiceSample): F5Reference {
  const pcm = resampleSinc(sample.pcm, sample.sampleRate, F5_SAMPLE_RATE);
  const seconds = pcm.length / F5_SAMPLE_RATE;
  if (seconds < 1) throw new Error(`reference of ${seconds.toFixed(2)} s is too short`);
  const measured = analyzeVoice(sample.pcm, sample.sampleRate);
  return {
    wav: encodeWav(pcm, F5_SAMPLE_RATE),
    text: sample.transcript.trim(),
    seconds,
    medianF0Hz: measured.medianF0Hz,
    syllablesPerSecond: measured.syllablesPerSecond,
  };
}

/** The reference written to a private temp file (for servers that take a path), the in-memory copy zeroed. */
export async function writeF5Reference(files: PrivateFiles, sample: VoiceSample): Promise<{ ref: F5Reference; tempPath: string }> {
  const ref = prepareF5Reference(sample);
  const tempPath = await files.write("reference.wav", ref.wav);
  ref.wav.fill(0);
  return { ref, tempPath };
}
