import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Language } from "@mirror/protocol";
import { MIC_FRAME_SAMPLES, MIC_SAMPLE_RATE } from "@mirror/protocol";
import { float32ToInt16, resample } from "../../audio/pcm.js";
import { decodeWav } from "../../audio/wav.js";
import type { Stt, SttEvent, SttStream } from "../../core/contracts/stt.js";
import { wordErrorRate } from "../../observers/wer.js";

const run = promisify(execFile);

/** Speaks `text` with Debian's flite (voice slt unless told) into `dir` and returns it as 16 kHz int16. */
export async function synthesizeSpeech(text: string, dir: string, voice = "slt"): Promise<Int16Array> {
  const file = join(dir, `${randomUUID()}.wav`);
  try {
    await run("flite", ["-voice", voice, "-t", text, "-o", file]);
  } catch (err) {
    throw new Error(`flite is needed to synthesize test speech (apt-get install flite): ${String(err)}`, { cause: err });
  }
  const wav = decodeWav(await readFile(file));
  await rm(file, { force: true });
  return float32ToInt16(resample(wav.pcm, wav.sampleRate, MIC_SAMPLE_RATE));
}

/** Collects every event until the stream's iterable ends; fails if it does not end in time. */
export async function collect(stream: SttStream, timeoutMs: number): Promise<SttEvent[]> {
  const events: SttEvent[] = [];
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`STT events did not end within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([
      (async () => {
        for await (const ev of stream.events) events.push(ev);
      })(),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
  return events;
}

export function pushFrames(stream: SttStream, pcm: Int16Array, frame = MIC_FRAME_SAMPLES): void {
  for (let i = 0; i < pcm.length; i += frame) stream.push(pcm.subarray(i, i + frame));
}

export interface SttContractOptions {
  language?: Language;
  /** sentences spoken by flite and transcribed */
  utterances: readonly string[];
  /** bound on the mean word error rate over `utterances` */
  maxMeanWer: number;
  /** bound on any single utterance's word error rate */
  maxWer: number;
  /** how long a stream may take to end after end() or abort; default 10 s */
  timeoutMs?: number;
}

export interface SttContractResult {
  /** filled once the suite has transcribed `utterances` (for provider tests that report figures) */
  transcripts: { reference: string; hypothesis: string; wer: number }[];
}

export function sttContract(name: string, factory: () => Stt | Promise<Stt>, opts: SttContractOptions): SttContractResult {
  const language = opts.language ?? "en";
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const result: SttContractResult = { transcripts: [] };

  describe(`STT contract: ${name}`, () => {
    let stt: Stt;
    let dir = "";
    const audio = new Map<string, Int16Array>();
    const open = (signal = new AbortController().signal) => stt.open({ language, signal });

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), "mirror-stt-"));
      for (const text of opts.utterances) audio.set(text, await synthesizeSpeech(text, dir));
      stt = await factory();
      await stt.warmup?.();
    }, 60_000);
    afterAll(async () => {
      await stt?.close?.();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    const speech = (i = 0): [string, Int16Array] => {
      const text = opts.utterances[i]!;
      return [text, audio.get(text)!];
    };

    it("describes itself as a 16 kHz STT for the language", () => {
      expect(stt.info.stage).toBe("stt");
      expect(stt.capabilities.sampleRate).toBe(16000);
      if (stt.info.languages !== "any") expect(stt.info.languages).toContain(language);
    });

    it("transcribes known utterances: exactly one final, last, within the WER bounds", async () => {
      result.transcripts.length = 0;
      for (let i = 0; i < opts.utterances.length; i++) {
        const [reference, pcm] = speech(i);
        const stream = open();
        pushFrames(stream, pcm);
        stream.end();
        const events = await collect(stream, timeoutMs);
        const finals = events.filter((e) => e.type === "final");
        expect(finals).toHaveLength(1);
        expect(events[events.length - 1]?.type).toBe("final");
        const hypothesis = finals[0]!.text;
        const wer = wordErrorRate(reference, hypothesis);
        result.transcripts.push({ reference, hypothesis, wer });
        expect(wer, `"${reference}" heard as "${hypothesis}"`).toBeLessThanOrEqual(opts.maxWer);
        const final = finals[0]!;
        if (final.type === "final" && final.confidence !== undefined) {
          expect(final.confidence).toBeGreaterThanOrEqual(0);
          expect(final.confidence).toBeLessThanOrEqual(1);
        }
      }
      const mean = result.transcripts.reduce((s, t) => s + t.wer, 0) / result.transcripts.length;
      console.info(`${name}: mean WER ${(mean * 100).toFixed(1)}% over ${result.transcripts.length} utterances`, result.transcripts);
      expect(mean).toBeLessThanOrEqual(opts.maxMeanWer);
    });

    it("emits non-empty partials before the final when it advertises partials", async () => {
      const [, pcm] = speech(0);
      const stream = open();
      const seen: SttEvent[] = [];
      const done = (async () => {
        for await (const ev of stream.events) seen.push(ev);
      })();
      // partials arrive while audio is still being pushed, not only at the end
      pushFrames(stream, pcm.subarray(0, Math.floor(pcm.length * 0.8)));
      await new Promise((r) => setTimeout(r, 50));
      const beforeEnd = seen.length;
      pushFrames(stream, pcm.subarray(Math.floor(pcm.length * 0.8)));
      stream.end();
      await done;
      const partials = seen.filter((e) => e.type === "partial");
      if (!stt.capabilities.partials) {
        expect(partials).toEqual([]);
        return;
      }
      expect(beforeEnd).toBeGreaterThan(0);
      expect(partials.length).toBeGreaterThan(0);
      for (const p of partials) expect(p.text.trim()).not.toBe("");
      expect(seen.findIndex((e) => e.type === "final")).toBe(seen.length - 1);
    });

    it("gives one empty final for an utterance with no audio, and for digital silence", async () => {
      const empty = open();
      empty.end();
      const events = await collect(empty, timeoutMs);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ type: "final", text: "" });
      const silent = open();
      pushFrames(silent, new Int16Array(MIC_SAMPLE_RATE));
      silent.end();
      const silence = await collect(silent, timeoutMs);
      expect(silence.filter((e) => e.type === "final").map((e) => e.text)).toEqual([""]);
    });

    it("abort before end(): the events end without a final", async () => {
      const [, pcm] = speech(0);
      const ac = new AbortController();
      const stream = open(ac.signal);
      pushFrames(stream, pcm.subarray(0, pcm.length >> 1));
      const pending = collect(stream, timeoutMs);
      ac.abort();
      stream.push(pcm.subarray(pcm.length >> 1));
      stream.end();
      const events = await pending;
      expect(events.filter((e) => e.type === "final")).toEqual([]);
    });

    it("abort right after end(): no final is delivered", async () => {
      const [, pcm] = speech(0);
      const ac = new AbortController();
      const stream = open(ac.signal);
      pushFrames(stream, pcm);
      stream.end();
      ac.abort();
      expect((await collect(stream, timeoutMs)).filter((e) => e.type === "final")).toEqual([]);
    });

    it("an already aborted signal gives an empty stream", async () => {
      const ac = new AbortController();
      ac.abort();
      const stream = open(ac.signal);
      stream.push(new Int16Array(MIC_FRAME_SAMPLES));
      stream.end();
      expect(await collect(stream, timeoutMs)).toEqual([]);
    });

    it("keeps working after aborts, and serves two open streams at once", async () => {
      const [textA, a] = speech(0);
      const [textB, b] = speech(opts.utterances.length > 1 ? 1 : 0);
      const s1 = open();
      const s2 = open();
      for (let i = 0; i < Math.max(a.length, b.length); i += MIC_FRAME_SAMPLES) {
        if (i < a.length) s1.push(a.subarray(i, i + MIC_FRAME_SAMPLES));
        if (i < b.length) s2.push(b.subarray(i, i + MIC_FRAME_SAMPLES));
      }
      s2.end();
      s1.end();
      const [e1, e2] = await Promise.all([collect(s1, timeoutMs), collect(s2, timeoutMs)]);
      const f1 = e1.filter((e) => e.type === "final");
      const f2 = e2.filter((e) => e.type === "final");
      expect(f1).toHaveLength(1);
      expect(f2).toHaveLength(1);
      expect(wordErrorRate(textA, f1[0]!.text)).toBeLessThanOrEqual(opts.maxWer);
      expect(wordErrorRate(textB, f2[0]!.text)).toBeLessThanOrEqual(opts.maxWer);
    });
  });

  return result;
}
