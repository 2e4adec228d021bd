/**
 * The embedded cloned voice (the default chain: converted flite for English, espeak for Dutch) on held-out
 * voices (made now from voices neither the fixtures nor the base voices use; never stored), each resampled to
 * the microphone's 16 kHz as the kiosk delivers it: clone time of the chain (ready) and of all its members,
 * end-of-text → first audio chunk of short sentences (p50/p95), and similarity of the base voice and of the
 * clone to the sample, both speaking a probe sentence the sample did not contain; for Dutch also without the
 * spectral envelope EQ.
 *   npx tsx packages/server/src/bench/voice-clone.ts [--reps 3]
 */
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { MIC_SAMPLE_RATE } from "@mirror/protocol";
import { resampleSinc } from "../audio/resample.js";
import type { Tts, VoiceProfile, VoiceSample } from "../core/contracts/tts.js";
import { percentiles } from "../observers/metrics.js";
import { measureCloneSimilarity } from "../observers/voice-similarity.js";
import { createEspeakTts } from "../stages/tts/espeak/index.js";
import { clonesSettled, withTtsFallback } from "../stages/tts/fallback/tts-fallback.js";
import { createFliteTts } from "../stages/tts/flite/flite-tts.js";
import { HELD_OUT_VOICES, heldOutVoice } from "../testing/held-out-voices.js";

const SHORT = ["Yes, I see.", "Hm, tell me more.", "That sounds lovely.", "Let me think.", "I remember that too."];
const SHORT_NL = ["Ja, ik snap het.", "Hm, vertel meer.", "Dat klinkt mooi.", "Even denken.", "Dat weet ik ook nog."];

async function firstChunkMs(tts: Tts, voice: VoiceProfile, texts: readonly string[], reps: number): Promise<number[]> {
  const out: number[] = [];
  for (let r = 0; r < reps; r++) {
    for (const text of texts) {
      const t0 = performance.now();
      for await (const ev of tts.synthesize({ text, voice, signal: new AbortController().signal })) {
        if (ev.type === "audio") {
          out.push(performance.now() - t0);
          break;
        }
      }
    }
  }
  return out;
}

const { values } = parseArgs({ options: { reps: { type: "string", default: "3" } } });
const reps = Math.max(1, Number(values.reps));
const flite = createFliteTts();
const espeak = createEspeakTts();
const espeakNoEq = createEspeakTts({ timbre: false });
const chain = withTtsFallback([flite, espeak]);
const tw = performance.now();
await chain.warmup?.();
const warmupMs = performance.now() - tw;
const rows: string[] = [];
const d = (x: number) => x.toFixed(3);
for (let i = 0; i < HELD_OUT_VOICES.length; i++) {
  const { label, sample: raw } = heldOutVoice(i);
  const sample: VoiceSample = { ...raw, pcm: resampleSinc(raw.pcm, raw.sampleRate, MIC_SAMPLE_RATE), sampleRate: MIC_SAMPLE_RATE };
  const signal = new AbortController().signal;
  const cloneMs: number[] = [];
  const allMs: number[] = [];
  let voice: VoiceProfile | null = null;
  for (let r = 0; r < reps; r++) {
    if (voice) await chain.forgetVoice(voice);
    // a fresh buffer each time: nothing measured on an earlier clone's sample is reused
    const fresh = { ...sample, pcm: sample.pcm.slice() };
    const t0 = performance.now();
    voice = await chain.cloneVoice(fresh, signal);
    cloneMs.push(performance.now() - t0);
    await clonesSettled(voice);
    allMs.push(performance.now() - t0);
  }
  if (!voice) continue;
  const members = (voice.state as { members: Record<string, VoiceProfile> }).members;
  const lead = sample.language === "en" ? flite : espeak;
  const own = members[lead.info.id];
  if (!own) throw new Error(`${lead.info.id} made no clone of ${label}`);
  const sim = await measureCloneSimilarity(lead, own, sample, signal);
  let noEq = "";
  if (sample.language === "nl") {
    const v = await espeakNoEq.cloneVoice(sample, signal);
    const s = await measureCloneSimilarity(espeakNoEq, v, sample, signal);
    if (s) noEq = `  (without EQ: ${d(s.converted.score)})`;
    await espeakNoEq.forgetVoice(v);
  }
  const first = percentiles(await firstChunkMs(chain, voice, sample.language === "en" ? SHORT : SHORT_NL, reps));
  const st = own.state as { settings?: { voice: string; alpha: number | null }; voice?: string };
  const base = st.settings ? `flite ${st.settings.voice} α ${st.settings.alpha?.toFixed(2)}` : `espeak ${st.voice}`;
  const ms = (xs: number[]) => `${percentiles(xs)?.p50.toFixed(0)} ms`;
  rows.push(
    [label.padEnd(38), base.padEnd(18), ms(cloneMs).padStart(7), ms(allMs).padStart(8),
      `${first?.p50.toFixed(1)} / ${first?.p95.toFixed(1)} ms`.padStart(16),
      sim ? `${d(sim.base.score)} → ${d(sim.converted.score)}` : "n/a",
      sim ? `(timbre ${d(sim.base.timbre)}→${d(sim.converted.timbre)}, envelope ${d(sim.base.envelope)}→${d(sim.converted.envelope)}, pitch ${d(sim.base.pitch)}→${d(sim.converted.pitch)})${noEq}` : ""].join("  "),
  );
  await chain.forgetVoice(voice);
}
console.log(`warmup ${warmupMs.toFixed(0)} ms; clone = median of ${reps}, first chunk over ${reps * SHORT.length} short sentences; load average ${loadavg().map((x) => x.toFixed(1)).join(" ")} on ${cpus().length} cores`);
console.log(`${"held-out voice".padEnd(38)}  ${"base voice".padEnd(18)}  ${"ready".padStart(7)}  ${"all".padStart(8)}  ${"1st chunk p50/p95".padStart(16)}  similarity base → converted`);
for (const r of rows) console.log(r);
