/**
 * The embedded cloned voice on held-out voices (made now from voices neither the fixtures nor the base voices
 * use; never stored): clone time, first-chunk latency, and similarity of the base voice and of the clone to
 * the sample, both speaking a probe sentence the sample did not contain.
 *   npx tsx packages/server/src/bench/voice-clone.ts
 */
import { percentiles } from "../observers/metrics.js";
import { measureCloneSimilarity } from "../observers/voice-similarity.js";
import { createEspeakTts } from "../stages/tts/espeak/index.js";
import { createFliteTts } from "../stages/tts/flite/flite-tts.js";
import { HELD_OUT_VOICES, heldOutVoice } from "../testing/held-out-voices.js";
import type { Tts, VoiceProfile } from "../core/contracts/tts.js";

const SHORT = ["Yes, I see.", "Hm, tell me more.", "That sounds lovely.", "Let me think.", "I remember that too."];

async function firstChunkMs(tts: Tts, voice: VoiceProfile): Promise<number[]> {
  const out: number[] = [];
  for (const text of SHORT) {
    const t0 = performance.now();
    for await (const ev of tts.synthesize({ text, voice, signal: new AbortController().signal })) {
      if (ev.type === "audio") {
        out.push(performance.now() - t0);
        break;
      }
    }
  }
  return out;
}

const flite = createFliteTts();
const espeak = createEspeakTts();
await Promise.all([flite.warmup?.(), espeak.warmup?.()]);
const rows: string[] = [];
for (let i = 0; i < HELD_OUT_VOICES.length; i++) {
  const { label, sample } = heldOutVoice(i);
  const tts = sample.language === "en" ? flite : espeak;
  const signal = new AbortController().signal;
  const t0 = performance.now();
  const voice = await tts.cloneVoice(sample, signal);
  const cloneMs = performance.now() - t0;
  const sim = await measureCloneSimilarity(tts, voice, sample, signal);
  const first = percentiles(await firstChunkMs(tts, voice));
  const st = voice.state as { settings?: { voice: string; alpha: number | null }; voice?: string };
  const base = st.settings ? `flite ${st.settings.voice} α ${st.settings.alpha?.toFixed(2)}` : `espeak ${st.voice}`;
  const d = (x: number) => x.toFixed(3);
  rows.push(
    [label.padEnd(36), base.padEnd(20), `${cloneMs.toFixed(0)} ms`.padStart(8), `${first?.p50.toFixed(1)} ms`.padStart(9),
      sim ? `${d(sim.base.score)} → ${d(sim.converted.score)}` : "n/a",
      sim ? `(timbre ${d(sim.base.timbre)}→${d(sim.converted.timbre)}, envelope ${d(sim.base.envelope)}→${d(sim.converted.envelope)}, pitch ${d(sim.base.pitch)}→${d(sim.converted.pitch)})` : ""].join("  "),
  );
  await tts.forgetVoice(voice);
}
console.log(`${"held-out voice".padEnd(36)}  ${"base voice".padEnd(20)}  ${"clone".padStart(8)}  ${"1st chunk".padStart(9)}  similarity base → converted`);
for (const r of rows) console.log(r);
