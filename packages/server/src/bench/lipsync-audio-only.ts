/**
 * Audio-only lip-sync (a TTS that gives no phoneme timings) against the same replies animated from espeak's
 * own phoneme timings: mouth-shape agreement per frame, curve correlation, mouth/voice edges, first-frame latency.
 *
 *   npx tsx packages/server/src/bench/lipsync-audio-only.ts
 *
 * Approaches: "energy" (the built-in lip-sync from band energies alone) and "allphone" (PocketSphinx phone
 * segmentation per utterance feeding the built-in lip-sync).
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
};

const reference = [];
for (const r of FIXTURE_REPLIES) reference.push(await speakWithLips(r, { lipsync: builtin() }));

for (const [name, make] of Object.entries(approaches)) {
  const lipsync = make();
  await warmUpSpeech(lipsync);
  const agreement: number[] = [];
  const curveR: number[] = [];
  const onsets: number[] = [];
  const offsets: number[] = [];
  const firsts: number[] = [];
  let framesN = 0;
  for (const [k, r] of FIXTURE_REPLIES.entries()) {
    const run = await speakWithLips(r, { lipsync, phonemes: false });
    const a = shapeAgreement(reference[k]!.frames, run.frames);
    agreement.push(a.agreement * a.frames);
    framesN += a.frames;
    curveR.push(a.curveR);
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
      classAgreement: Math.round((agreement.reduce((s, x) => s + x, 0) / framesN) * 1000) / 10,
      curveR: Math.round(mean(curveR) * 100) / 100,
      onset: summarize(onsets),
      offset: summarize(offsets),
      firstFrameMs: summarize(firsts),
      onsets: onsets.map(Math.round),
    }),
  );
}
