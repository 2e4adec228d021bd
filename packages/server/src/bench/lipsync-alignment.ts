/**
 * Built-in lip-sync against the voice: first-frame latency (cold and warm) and mouth/voice edge offsets.
 *
 *   npx tsx packages/server/src/bench/lipsync-alignment.ts                 # the fixture visitor's demo replies, in-process
 *   npx tsx packages/server/src/bench/lipsync-alignment.ts --audio-only    # the same replies, lip-sync given no phoneme timings
 *   npx tsx packages/server/src/bench/lipsync-alignment.ts --voice flite   # English replies in flite (the default voice), with its phone timings
 *   npx tsx packages/server/src/bench/lipsync-alignment.ts --demo out/demo # a `mirror demo` output: reply-NN.wav + frames-NN.jsonl
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ARKIT_52, OUTPUT_SAMPLE_RATE as SR } from "@mirror/protocol";
import { decodeWav } from "../audio/wav.js";
import { edgeOffsets, mouthOf, summarize, type AlignedFrame } from "./lip-alignment.js";
import { seededRandom } from "../core/clock.js";
import { createBuiltinLipsync } from "../stages/lipsync/builtin/index.js";
import { FIXTURE_REPLIES, speakWithLips, warmUpSpeech } from "./lipsync-run.js";

function fromDemo(dir: string): Array<{ pcm: Float32Array; frames: AlignedFrame[] }> {
  return readdirSync(dir)
    .filter((f) => /^reply-\d+\.wav$/.test(f))
    .map((f) => {
      const nn = /\d+/.exec(f)![0];
      const frames = readFileSync(join(dir, `frames-${nn}.jsonl`), "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { sample: number; weights: Record<string, number> })
        .map((x) => ({ sample: x.sample, mouth: mouthOf(ARKIT_52.map((n) => x.weights[n] ?? 0)) }));
      return { pcm: decodeWav(new Uint8Array(readFileSync(join(dir, f)))).pcm, frames };
    });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { demo: { type: "string" }, "audio-only": { type: "boolean", default: false }, voice: { type: "string", default: "espeak" } } });
  let replies: Array<{ pcm: Float32Array; frames: AlignedFrame[] }>;
  if (values.demo) replies = fromDemo(values.demo);
  else {
    const firsts: number[] = [];
    replies = [];
    const lipsync = createBuiltinLipsync({ random: seededRandom(3) });
    const englishVoice = values.voice === "flite" ? "flite" : "espeak";
    await warmUpSpeech(lipsync, englishVoice);
    for (const r of FIXTURE_REPLIES) {
      const run = await speakWithLips(r, { lipsync, phonemes: !values["audio-only"], englishVoice });
      firsts.push(run.firstFrameMs);
      replies.push({ pcm: run.pcm, frames: run.frames.map((f) => ({ sample: f.sample, mouth: mouthOf(f.weights) })) });
    }
    console.log(`first frame after first TTS chunk (ms): ${firsts.map((x) => x.toFixed(2)).join(", ")} (after the warm-up mirror start does; the first is the process's first reply)`);
  }
  const onsets: number[] = [];
  const offsets: number[] = [];
  let missed = 0;
  let spurious = 0;
  for (const r of replies) {
    const e = edgeOffsets(r.pcm, r.frames, SR);
    onsets.push(...e.onsets);
    offsets.push(...e.offsets);
    missed += e.missed;
    spurious += e.spurious;
  }
  console.log(JSON.stringify({ replies: replies.length, onset: summarize(onsets), offset: summarize(offsets), missed, spurious }, null, 2));
  console.log(`onsets (ms): ${onsets.map((x) => x.toFixed(0)).join(" ")}`);
  console.log(`offsets (ms): ${offsets.map((x) => x.toFixed(0)).join(" ")}`);
}

await main();
