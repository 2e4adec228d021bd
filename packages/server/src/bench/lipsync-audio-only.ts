/**
 * Audio-only lip-sync (a TTS that gives no phoneme timings) against the same replies animated from espeak's
 * own phoneme timings: mouth-shape agreement per frame, curve correlation, mouth/voice edges, first-frame latency.
 *
 *   npx tsx packages/server/src/bench/lipsync-audio-only.ts
 *
 * Approaches: "energy" (the built-in lip-sync from band energies alone), "allphone" (PocketSphinx phone
 * segmentation per utterance feeding the built-in lip-sync, no deadline) and "allphone-300ms" (the same with the
 * default deadline, after which an utterance goes on from audio alone). Dutch replies go through the energy path
 * in both allphone variants (en-us model). ALLPHONE_ARGS='{"-lw":"2.0"}' tries other decoder flags.
 */
import { OUTPUT_SAMPLE_RATE as SR } from "@mirror/protocol";
import { seededRandom } from "../core/clock.js";
import type { Lipsync } from "../core/contracts/lipsync.js";
import { createAllphoneLipsync } from "../stages/lipsync/allphone/index.js";
import { createBuiltinLipsync } from "../stages/lipsync/builtin/index.js";
import { edgeOffsets, mouthOf, summarize } from "./lip-alignment.js";
import { shapeAgreement } from "./lip-shapes.js";
import { FIXTURE_REPLIES, speakWithLips, warmUpSpeech } from "./lipsync-run.js";

const builtin = () => createBuiltinLipsync({ random: seededRandom(3) });
const approaches: Record<string, () => Lipsync> = {
  energy: builtin,
  // no deadline here: this measures the shapes; the latency line says when they would have been late
  allphone: () => createAllphoneLipsync({ inner: builtin(), maxWaitMs: 60_000, ...(process.env.ALLPHONE_ARGS ? { recognizer: { args: JSON.parse(process.env.ALLPHONE_ARGS) as Record<string, string> } } : {}) }),
  // as configured by default: an utterance whose phones are not ready 300 ms after its audio goes on from audio alone
  "allphone-300ms": () => createAllphoneLipsync({ inner: builtin() }),
};

const reference = [];
for (const r of FIXTURE_REPLIES) reference.push(await speakWithLips(r, { lipsync: builtin() }));

for (const [name, make] of Object.entries(approaches)) {
  const lipsync = make();
  await warmUpSpeech(lipsync);
  const agreement = { en: [] as number[], nl: [] as number[] };
  const framesN = { en: 0, nl: 0 };
  const curveR = { en: [] as number[], nl: [] as number[] };
  const onsets: number[] = [];
  const offsets: number[] = [];
  const firsts: number[] = [];
  for (const [k, r] of FIXTURE_REPLIES.entries()) {
    const run = await speakWithLips(r, { lipsync, phonemes: false });
    const a = shapeAgreement(reference[k]!.frames, run.frames);
    agreement[r.language].push(a.agreement * a.frames);
    framesN[r.language] += a.frames;
    curveR[r.language].push(a.curveR);
    const e = edgeOffsets(run.pcm, run.frames.map((f) => ({ sample: f.sample, mouth: mouthOf(f.weights) })), SR);
    onsets.push(...e.onsets);
    offsets.push(...e.offsets);
    firsts.push(run.firstFrameMs);
    console.log(`  ${name} ${r.language} "${r.text.slice(0, 30)}…": class agreement ${(a.agreement * 100).toFixed(1)} %, curve r ${a.curveR.toFixed(2)}`);
  }
  await lipsync.close?.();
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  console.log(
    JSON.stringify({
      approach: name,
      classAgreementPct: { en: Math.round((agreement.en.reduce((s, x) => s + x, 0) / framesN.en) * 1000) / 10, nl: Math.round((agreement.nl.reduce((s, x) => s + x, 0) / framesN.nl) * 1000) / 10 },
      curveR: { en: Math.round(mean(curveR.en) * 100) / 100, nl: Math.round(mean(curveR.nl) * 100) / 100 },
      onset: summarize(onsets),
      offset: summarize(offsets),
      firstFrameMs: summarize(firsts),
    }),
  );
}
