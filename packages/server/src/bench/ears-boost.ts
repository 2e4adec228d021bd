/**
 * The PocketSphinx language model hook, before/after: WER on
 *   - held-out synthetic voices saying in-script answers (built on the phrase list, not copies of it) and
 *     out-of-script sentences (must not regress);
 *   - held-out human speech (Asterisk's prompts): the phrase list is the transcripts of every other prompt; WER on
 *     the listed prompts (the mechanism's ceiling: their exact text is listed) and on the others (must not regress);
 *   - the same human speech with the experience's phrase list (unrelated speech: must not regress);
 *   - visitors' names absent from the dictionary: "my name is <name>" by two flite voices.
 *   npx tsx packages/server/src/bench/ears-boost.ts [--weight 0.3] [--unigram 1e-6|ml] [--limit 60]
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { float32ToInt16, resample } from "../audio/pcm.js";
import { decodeWav } from "../audio/wav.js";
import { transcribe } from "../core/contracts/stt.js";
import { wordErrors } from "../observers/wer.js";
import { EXPERIENCE_PHRASES_EN } from "../stages/stt/pocketsphinx/experience-phrases.js";
import { createPocketSphinxStt } from "../stages/stt/pocketsphinx/index.js";
import type { PocketSphinxStt } from "../stages/stt/pocketsphinx/index.js";
import { ensureHeldOutSpeech, loadHeldOutSpeech } from "../testing/held-out-speech.js";

const { values } = parseArgs({
  options: { weight: { type: "string", default: "0.3" }, limit: { type: "string", default: "60" }, unigram: { type: "string", default: "1e-6" } },
});
const weight = Number(values.weight);
/** "ml" = the phrases' own unigram shares */
const unigramProbability = values.unigram === "ml" ? null : Number(values.unigram);

const IN_SCRIPT = [
  "i live in utrecht with my wife",
  "i grew up in a village near the sea",
  "i work as a nurse in a hospital",
  "i am afraid of spiders and heights",
  "i love walking with my dog",
  "i feel a bit nervous",
  "you sound like me",
  "i don't know who we are",
];
const OUT_OF_SCRIPT = [
  "the weather was terrible on the way here",
  "could you tell me where the bathroom is",
  "my brother fixed the car last tuesday",
  "she bought seven oranges at the market",
  "the train was late again this morning",
  "we painted the kitchen yellow",
];
const NAMES = ["jorrit", "femke", "anouk", "sanne", "lieke", "daan", "joris", "esmee", "noor", "luuk", "saskia", "marloes"];
const VOICES: Array<[string, (t: string, f: string) => [string, string[]]]> = [
  ["flite kal", (t, f) => ["flite", ["-voice", "kal", "-t", t, "-o", f]]],
  ["flite awb", (t, f) => ["flite", ["-voice", "awb", "-t", t, "-o", f]]],
  ["flite rms", (t, f) => ["flite", ["-voice", "rms", "-t", t, "-o", f]]],
  ["flite slt", (t, f) => ["flite", ["-voice", "slt", "-t", t, "-o", f]]],
  ["espeak-ng en-us", (t, f) => ["espeak-ng", ["-v", "en-us", "-w", f, t]]],
];

const dir = mkdtempSync(join(tmpdir(), "mirror-boost-bench-"));
const speak = (voice: (t: string, f: string) => [string, string[]], text: string): Int16Array => {
  const file = join(dir, "s.wav");
  const [bin, args] = voice(text, file);
  execFileSync(bin, args, { stdio: "ignore" });
  const w = decodeWav(readFileSync(file));
  return float32ToInt16(resample(w.pcm, w.sampleRate, 16000));
};
const hear = (stt: PocketSphinxStt, pcm: Int16Array) => transcribe(stt, pcm, { language: "en", signal: new AbortController().signal });

interface Wer {
  errors: number;
  words: number;
}
const add = (w: Wer, ref: string, hyp: string) => {
  const e = wordErrors(ref, hyp);
  w.errors += e.substitutions + e.deletions + e.insertions;
  w.words += e.referenceWords;
};
const pct = (w: Wer) => `${((100 * w.errors) / w.words).toFixed(1)} %`;
const rows: string[] = ["| recordings | words | WER without the hook | with the hook |", "|---|---|---|---|"];

const plain = createPocketSphinxStt();
const experience = createPocketSphinxStt({ boost: { phrases: EXPERIENCE_PHRASES_EN, weight, unigramProbability } });
const t0 = performance.now();

for (const [label, sentences] of [["in-script answers", IN_SCRIPT], ["out-of-script sentences", OUT_OF_SCRIPT]] as const) {
  const before: Wer = { errors: 0, words: 0 };
  const after: Wer = { errors: 0, words: 0 };
  for (const [, voice] of VOICES) {
    for (const s of sentences) {
      const pcm = speak(voice, s);
      add(before, s, await hear(plain, pcm));
      add(after, s, await hear(experience, pcm));
    }
  }
  rows.push(`| synthetic, ${label} (${VOICES.length} voices × ${sentences.length}) | ${before.words} | ${pct(before)} | ${pct(after)} |`);
}

let named = 0;
let namedBefore = 0;
for (const [, voice] of VOICES.filter(([n]) => n === "flite kal" || n === "flite slt")) {
  for (const name of NAMES) {
    const pcm = speak(voice, `my name is ${name}`);
    const visit = experience.forVisit([name]);
    if ((await hear(plain, pcm)).split(" ").includes(name)) namedBefore++;
    if ((await hear(visit, pcm)).split(" ").includes(name)) named++;
    await visit.close();
  }
}
rows.push(`| names absent from the dictionary, "my name is <name>" (flite kal, slt × ${NAMES.length}) | — | ${namedBefore}/${NAMES.length * 2} names heard | ${named}/${NAMES.length * 2} |`);

if (ensureHeldOutSpeech()) {
  const prompts = loadHeldOutSpeech({ asteriskLimit: Number(values.limit), minWords: 3 }).filter((r) => r.set === "asterisk");
  const listed = prompts.filter((_, i) => i % 2 === 0);
  const unlisted = prompts.filter((_, i) => i % 2 === 1);
  const asterisk = createPocketSphinxStt({ boost: { phrases: listed.map((r) => r.transcript), weight, unigramProbability } });
  for (const [label, set] of [["listed (their exact text is in the phrase list)", listed], ["not listed", unlisted]] as const) {
    const before: Wer = { errors: 0, words: 0 };
    const after: Wer = { errors: 0, words: 0 };
    for (const r of set) {
      add(before, r.transcript, await hear(plain, r.pcm));
      add(after, r.transcript, await hear(asterisk, r.pcm));
    }
    rows.push(`| human (Asterisk prompts), ${label}: ${set.length} | ${before.words} | ${pct(before)} | ${pct(after)} |`);
  }
  await asterisk.close();
  // the experience's phrase list on speech that has nothing to do with the experience
  const before: Wer = { errors: 0, words: 0 };
  const after: Wer = { errors: 0, words: 0 };
  for (const r of prompts) {
    add(before, r.transcript, await hear(plain, r.pcm));
    add(after, r.transcript, await hear(experience, r.pcm));
  }
  rows.push(`| human (Asterisk prompts), all ${prompts.length}, with the experience's phrase list | ${before.words} | ${pct(before)} | ${pct(after)} |`);
} else {
  rows.push("| human: held-out speech unavailable (scripts/held-out-speech.sh) | | | |");
}

await Promise.all([plain.close(), experience.close()]);
rmSync(dir, { recursive: true, force: true });
console.log(`boost weight ${weight}, unigrams ${values.unigram}; ${((performance.now() - t0) / 1000).toFixed(0)} s\n${rows.join("\n")}`);
