import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIC_FRAME_SAMPLES } from "@mirror/protocol";
import { float32ToInt16, resample } from "../../../audio/pcm.js";
import { decodeWav } from "../../../audio/wav.js";
import { wordErrorRate } from "../../../observers/wer.js";
import { mixAt, noise } from "../../../testing/contracts/vad.contract.js";
import { createEnergyVad } from "../../vad/energy/index.js";
import { createPocketSphinxStt } from "./index.js";

const run = promisify(execFile);
/** a short VAD hangover that closes a segment; the end-of-turn policy (core/endpointing.ts) does the rest of the waiting */
const SEGMENT_HANGOVER_MS = 160;

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

/**
 * The embedded path as the conversation runs it: energy VAD with the segment hangover, PocketSphinx streaming.
 * End of speech → final = audio time from the VAD's speech end to its speech-end event (the mic is real time)
 * + the wall time from end() to the final.
 */
async function utterance(pcm: Int16Array): Promise<{ text: string; latencyMs: number }> {
  const lead = 8000;
  const room = noise(lead + pcm.length + 16000, -55, 11);
  const mic = float32ToInt16(mixAt(room, Float32Array.from(pcm, (v) => v / 32768), lead));
  const vad = createEnergyVad().open({ hangoverMs: SEGMENT_HANGOVER_MS });
  const texts: string[] = [];
  let latencyMs = -1;
  let stream: ReturnType<typeof stt.open> | null = null;
  const finals: Promise<void>[] = [];
  const preRoll: Int16Array[] = [];
  for (let i = 0; i < mic.length; i += MIC_FRAME_SAMPLES) {
    const frame = mic.subarray(i, i + MIC_FRAME_SAMPLES);
    preRoll.push(frame);
    if (preRoll.length > 20) preRoll.shift();
    stream?.push(frame);
    for (const ev of vad.push(frame)) {
      if (ev.type === "speech-start") {
        stream = stt.open({ language: "en", signal: new AbortController().signal });
        for (const f of preRoll) stream.push(f);
        continue;
      }
      const s = stream!;
      stream = null;
      const hangMs = (vad.position - ev.sample) / 16;
      const t0 = performance.now();
      s.end();
      finals.push(
        (async () => {
          for await (const e of s.events) if (e.type === "final") texts.push(e.text);
          latencyMs = hangMs + performance.now() - t0;
        })(),
      );
      await finals[finals.length - 1]; // a real mic waits for nobody, but the next frames would only queue
    }
  }
  await Promise.all(finals);
  return { text: texts.filter(Boolean).join(" "), latencyMs };
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;

describe("embedded ears on held-out synthetic voices", () => {
  it("end of speech → STT final p50 (~190–205 ms alone, bounded at 300 ms under load) and WER per voice", async () => {
    const latencies: number[] = [];
    const rows: string[] = [];
    for (const v of VOICES) {
      let refs = "";
      let hyps = "";
      for (const [i, s] of SENTENCES.entries()) {
        const r = await utterance(audio.get(`${v.name}-${i}`)!);
        latencies.push(r.latencyMs);
        refs += ` ${s}`;
        hyps += ` ${r.text}`;
      }
      const wer = wordErrorRate(refs, hyps);
      rows.push(`${v.name}: WER ${(wer * 100).toFixed(1)}%`);
      expect(wer, v.name).toBeLessThanOrEqual(v.maxWer);
    }
    const p50 = pct(latencies, 0.5);
    const p95 = pct(latencies, 0.95);
    console.info(`ears: end of speech → final p50 ${p50.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms over ${latencies.length}\n${rows.join("\n")}`);
    expect(latencies.every((l) => l > 0)).toBe(true);
    // 191 ms p50 measured alone on this 2-core machine; the bound leaves room for a suite running beside it
    expect(p50).toBeLessThanOrEqual(300);
  }, 120_000);
});
