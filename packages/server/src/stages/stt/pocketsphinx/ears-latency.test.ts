import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { float32ToInt16, resample } from "../../../audio/pcm.js";
import { decodeWav } from "../../../audio/wav.js";
import { wordErrorRate } from "../../../observers/wer.js";
import { earsPath, percentile } from "../../../testing/ears-path.js";
import { createPocketSphinxStt } from "./index.js";

const run = promisify(execFile);

/** Held-out sentences: not used anywhere else, spoken at test time, never committed. */
const SENTENCES = [
  "my name is anna and I come from amsterdam",
  "I think I look older than I feel",
  "when I was young I wanted to be a pilot",
  "what do you see when you look at me",
  "I love walking in the forest with my dog",
  "tell me something about my future",
];
const VOICES: Array<{ name: string; cmd: (text: string, file: string) => [string, string[]]; maxWer: number }> = [
  ...["kal", "awb", "rms", "slt"].map((v) => ({ name: `flite-${v}`, cmd: (t: string, f: string): [string, string[]] => ["flite", ["-voice", v, "-t", t, "-o", f]], maxWer: 0.35 })),
  // espeak-ng's robotic voices are far from PocketSphinx's training data: measured and reported, loosely bounded
  { name: "espeak-en-us", cmd: (t, f) => ["espeak-ng", ["-v", "en-us", "-w", f, t]], maxWer: 0.9 },
  { name: "espeak-en+f3", cmd: (t, f) => ["espeak-ng", ["-v", "en+f3", "-s", "150", "-w", f, t]], maxWer: 0.9 },
];

const stt = createPocketSphinxStt();
let dir = "";
const audio = new Map<string, Int16Array>();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mirror-ears-"));
  for (const v of VOICES) {
    for (const [i, s] of SENTENCES.entries()) {
      const file = join(dir, `${v.name}-${i}.wav`);
      const [bin, args] = v.cmd(s, file);
      await run(bin, args);
      const wav = decodeWav(await readFile(file));
      audio.set(`${v.name}-${i}`, float32ToInt16(resample(wav.pcm, wav.sampleRate, 16000)));
    }
  }
  await stt.warmup();
}, 120_000);
afterAll(async () => {
  await stt.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("embedded ears on held-out synthetic voices", () => {
  it("end of speech → STT final p50 (~190–205 ms alone, bounded at 300 ms under load) and WER per voice", async () => {
    const latencies: number[] = [];
    const rows: string[] = [];
    for (const v of VOICES) {
      let refs = "";
      let hyps = "";
      for (const [i, s] of SENTENCES.entries()) {
        const r = await earsPath(stt, audio.get(`${v.name}-${i}`)!);
        latencies.push(...r.latenciesMs);
        refs += ` ${s}`;
        hyps += ` ${r.text}`;
      }
      const wer = wordErrorRate(refs, hyps);
      rows.push(`${v.name}: WER ${(wer * 100).toFixed(1)}%`);
      expect(wer, v.name).toBeLessThanOrEqual(v.maxWer);
    }
    const p50 = percentile(latencies, 0.5);
    const p95 = percentile(latencies, 0.95);
    console.info(`ears: end of speech → final p50 ${p50.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms over ${latencies.length}\n${rows.join("\n")}`);
    expect(latencies.every((l) => l > 0)).toBe(true);
    // 191 ms p50 measured alone on this 2-core machine; the bound leaves room for a suite running beside it
    expect(p50).toBeLessThanOrEqual(300);
  }, 120_000);
});
