/**
 * Which sounds closer to the visitor: flite's own conversion (F0 targets, duration stretch, vocoder warp, EQ) or
 * the unconverted base voice shifted afterwards by rubberband (`rubberband -p N --formant -t T`, Debian
 * rubberband-cli) to the sample's median F0 and syllable rate? Both speak the probe sentence; scored with
 * audio/similarity.ts against each English held-out voice (at 16 kHz, as the kiosk delivers it).
 *   apt-get install rubberband-cli && npx tsx packages/server/src/bench/voice-rubberband.ts
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MIC_SAMPLE_RATE } from "@mirror/protocol";
import { analyzeVoice } from "../audio/analysis.js";
import { concatPcm } from "../audio/pcm.js";
import { resampleSinc } from "../audio/resample.js";
import { compareVoices, voiceFeatures } from "../audio/similarity.js";
import { decodeWav, encodeWav } from "../audio/wav.js";
import type { Tts, VoiceProfile } from "../core/contracts/tts.js";
import { SIMILARITY_PROBE } from "../observers/voice-similarity.js";
import { createFliteTts } from "../stages/tts/flite/flite-tts.js";
import { HELD_OUT_VOICES, heldOutVoice } from "../testing/held-out-voices.js";

async function speak(tts: Tts, voice: VoiceProfile): Promise<Float32Array> {
  const parts: Float32Array[] = [];
  for await (const ev of tts.synthesize({ text: SIMILARITY_PROBE.en, voice, signal: new AbortController().signal })) if (ev.type === "audio") parts.push(ev.pcm);
  return concatPcm(parts);
}

function rubberband(pcm: Float32Array, sampleRate: number, semitones: number, timeRatio: number): { pcm: Float32Array; ms: number } {
  const dir = mkdtempSync(join(tmpdir(), "mirror-rb-"));
  try {
    writeFileSync(join(dir, "in.wav"), encodeWav(pcm, sampleRate));
    const t0 = performance.now();
    execFileSync("rubberband", ["-q", "-p", semitones.toFixed(3), "--formant", "-t", timeRatio.toFixed(3), join(dir, "in.wav"), join(dir, "out.wav")], { stdio: "ignore" });
    const ms = performance.now() - t0;
    return { pcm: decodeWav(new Uint8Array(readFileSync(join(dir, "out.wav")))).pcm, ms };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const flite = createFliteTts();
await flite.warmup?.();
const d = (x: number) => x.toFixed(3);
console.log(`${"held-out voice".padEnd(38)}  base   flite-converted  rubberband (-p, -t, ms)`);
for (let i = 0; i < HELD_OUT_VOICES.length; i++) {
  const { label, sample: raw } = heldOutVoice(i);
  if (raw.language !== "en") continue;
  const pcm = resampleSinc(raw.pcm, raw.sampleRate, MIC_SAMPLE_RATE);
  const sample = { ...raw, pcm, sampleRate: MIC_SAMPLE_RATE };
  const target = voiceFeatures(pcm, MIC_SAMPLE_RATE);
  const voice = await flite.cloneVoice(sample, new AbortController().signal);
  const base = await speak(flite, flite.unconverted(voice));
  const converted = await speak(flite, voice);
  const a = analyzeVoice(base, 16_000);
  const s = analyzeVoice(pcm, MIC_SAMPLE_RATE);
  const semis = a.medianF0Hz && s.medianF0Hz ? 12 * Math.log2(s.medianF0Hz / a.medianF0Hz) : 0;
  const tempo = a.syllablesPerSecond && s.syllablesPerSecond ? Math.max(0.7, Math.min(1.5, a.syllablesPerSecond / s.syllablesPerSecond)) : 1;
  const rb = rubberband(base, 16_000, semis, tempo);
  const score = (x: Float32Array) => compareVoices(target, voiceFeatures(x, 16_000));
  const [b, c, r] = [score(base), score(converted), score(rb.pcm)];
  console.log(
    `${label.padEnd(38)}  ${d(b.score)}  ${d(c.score).padStart(15)}  ${d(r.score)} (${semis.toFixed(1)} st, ×${tempo.toFixed(2)}, ${rb.ms.toFixed(0)} ms)` +
      `  [timbre ${d(c.timbre)} vs ${d(r.timbre)}, envelope ${d(c.envelope)} vs ${d(r.envelope)}, pitch ${d(c.pitch)} vs ${d(r.pitch)}]`,
  );
  await flite.forgetVoice(voice);
}
