/**
 * The embedded ears (energy VAD + streaming PocketSphinx, as the conversation runs them) on held-out human speech:
 * WER and end of speech → STT final p50/p95 per recording set.
 *   npx tsx packages/server/src/bench/ears-human.ts [--limit N] [--noise -55] [--boost]
 * --boost: with the language model hook on the experience's phrase list (docs/ears.md).
 * Recordings: scripts/held-out-speech.sh (fetched on first use, never committed).
 */
import { parseArgs } from "node:util";
import { wordErrors } from "../observers/wer.js";
import { EXPERIENCE_PHRASES_EN } from "../stages/stt/pocketsphinx/experience-phrases.js";
import { createPocketSphinxStt } from "../stages/stt/pocketsphinx/index.js";
import { earsPath, percentile } from "../testing/ears-path.js";
import { ensureHeldOutSpeech, loadHeldOutSpeech } from "../testing/held-out-speech.js";
import type { HumanRecording } from "../testing/held-out-speech.js";

const { values } = parseArgs({
  options: { limit: { type: "string" }, noise: { type: "string", default: "-55" }, verbose: { type: "boolean", default: false }, boost: { type: "boolean", default: false } },
});

if (!ensureHeldOutSpeech()) {
  console.error("held-out speech unavailable: run scripts/held-out-speech.sh (needs apt-get download and npm pack)");
  process.exit(1);
}
const recordings = loadHeldOutSpeech({ asteriskLimit: values.limit ? Number(values.limit) : undefined });
const stt = createPocketSphinxStt(values.boost ? { boost: { phrases: EXPERIENCE_PHRASES_EN } } : {});
await stt.warmup();

interface Tally {
  errors: number;
  words: number;
  latencies: number[];
  seconds: number;
  n: number;
}
const sets = new Map<string, Tally>();
const t0 = performance.now();
for (const r of recordings) await measure(r);
console.log(`${recordings.length} recordings in ${((performance.now() - t0) / 1000).toFixed(0)} s; noise ${values.noise} dBFS${values.boost ? "; experience phrase hook" : ""}`);
console.log("| set | recordings | audio | words | WER | end of speech → final p50 / p95 (segments) |");
console.log("|---|---|---|---|---|---|");
for (const [set, t] of sets) {
  console.log(
    `| ${set} | ${t.n} | ${t.seconds.toFixed(0)} s | ${t.words} | ${((100 * t.errors) / t.words).toFixed(1)} % | ` +
      `${percentile(t.latencies, 0.5).toFixed(0)} / ${percentile(t.latencies, 0.95).toFixed(0)} ms (${t.latencies.length}) |`,
  );
}
await stt.close();

async function measure(r: HumanRecording): Promise<void> {
  const out = await earsPath(stt, r.pcm, { noiseDbfs: Number(values.noise) });
  const e = wordErrors(r.transcript, out.text);
  const t = sets.get(r.set) ?? { errors: 0, words: 0, latencies: [], seconds: 0, n: 0 };
  t.errors += e.substitutions + e.deletions + e.insertions;
  t.words += e.referenceWords;
  t.latencies.push(...out.latenciesMs);
  t.seconds += r.pcm.length / 16000;
  t.n++;
  sets.set(r.set, t);
  if (values.verbose) console.log(`${r.id}: "${r.transcript}" → "${out.text}"`);
}
