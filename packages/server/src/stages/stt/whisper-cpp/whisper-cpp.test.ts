import { mkdtempSync, rmSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MirrorConfig } from "../../../config/config.js";
import { ProviderError } from "../../../core/errors.js";
import { collect, sttContract, synthesizeSpeech } from "../../../testing/contracts/stt.contract.js";
import { tinyGgmlToken, writeTinyGgmlWhisper } from "../../../testing/tiny-whisper/tiny-whisper-ggml.js";
import { createWhisperCppStt } from "./index.js";

// No trained ggml Whisper model can be had here (no npm or Debian package ships one). The real prebuilt binary is
// tested on its error paths and on a tiny random-weight model these tests write (testing/tiny-whisper): it loads and
// runs the whole encoder/decoder on real audio, so everything but recognition quality is exercised.
describe("whisper.cpp in-process (@fugood/node-whisper-linux-x64, prebuilt CPU binary)", () => {
  let dir = "";
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "mirror-whisper-cpp-"));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const failureOf = async (modelPath: string) => {
    const stt = createWhisperCppStt({ modelPath });
    const stream = stt.open({ language: "en", signal: new AbortController().signal });
    stream.push(new Int16Array(1600).fill(1000));
    stream.end();
    const err = await collect(stream, 20_000).then(() => null, (e: unknown) => e);
    const health = await stt.health();
    await stt.close();
    return { err, health };
  };

  it("a missing model file: ProviderError naming the path, not retryable, health not ok", async () => {
    const { err, health } = await failureOf(join(dir, "ggml-tiny.en.bin"));
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).retryable).toBe(false);
    expect((err as Error).message).toContain("ggml-tiny.en.bin");
    expect((err as Error).message).toContain("not found");
    expect(health.ok).toBe(false);
  });

  it("a corrupt model file: the native loader refuses it, surfaced as a clear ProviderError", async () => {
    const path = join(dir, "corrupt.bin");
    await writeFile(path, Buffer.from("this is not a ggml model"));
    const { err } = await failureOf(path);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as Error).message).toMatch(/cannot load .*corrupt\.bin as a whisper\.cpp ggml model: .*Failed to initialize/);
  });

  it("no audio: one empty final without loading anything; abort: no final", async () => {
    const stt = createWhisperCppStt({ modelPath: join(dir, "absent.bin") });
    const empty = stt.open({ language: "en", signal: new AbortController().signal });
    empty.end();
    expect(await collect(empty, 5_000)).toEqual([{ type: "final", text: "" }]);
    const ac = new AbortController();
    const aborted = stt.open({ language: "en", signal: ac.signal });
    aborted.push(new Int16Array(160));
    ac.abort();
    aborted.end();
    expect(await collect(aborted, 5_000)).toEqual([]);
  });

  it("hands the whole utterance to whisper.cpp as 16 kHz int16 with the visit's language", async () => {
    const calls: { samples: number; language?: string }[] = [];
    const stt = createWhisperCppStt({
      modelPath: process.execPath, // any existing file: the loader below stands in for the native one
      load: () => Promise.resolve({
        transcribeData: (audio, options) => {
          calls.push({ samples: audio.byteLength / 2, language: options.language });
          return { stop: () => Promise.resolve(), promise: Promise.resolve({ result: " hallo daar " }) };
        },
        release: () => Promise.resolve(),
      }),
    });
    const stream = stt.open({ language: "nl", signal: new AbortController().signal });
    stream.push(new Int16Array(512).fill(900));
    stream.push(new Int16Array(512).fill(-900));
    stream.end();
    expect(await collect(stream, 5_000)).toEqual([{ type: "final", text: "hallo daar" }]);
    expect(calls).toEqual([{ samples: 1024, language: "nl" }]);
    await stt.close();
  });

  it("config: stt.provider whisper-cpp needs a model path", () => {
    const stt = (v: unknown) => MirrorConfig.safeParse({ stages: { stt: v } });
    expect(stt({ provider: "whisper-cpp" }).success).toBe(false);
    expect(stt({ provider: "whisper-cpp", whisperCpp: { modelPath: "/models/ggml-tiny.en.bin" } }).success).toBe(true);
  });
});

// A small, quick configuration of the generated model: the whole suite's transcriptions take well under a second each.
const TINY = { state: 32, heads: 1, layers: 1 };
const tinyDir = mkdtempSync(join(tmpdir(), "mirror-tiny-ggml-"));
const tinyModel = join(tinyDir, "ggml-tiny-random.bin");
writeTinyGgmlWhisper(tinyModel, TINY);
afterAll(() => rmSync(tinyDir, { recursive: true, force: true }));

// The contract's word-error bounds are meaningless for random weights (the text is nonsense by design); everything
// else in it (one final, last; silence; aborts; two streams) holds for the real binary.
sttContract("whisper.cpp (real binary, tiny random-weight model)", () => createWhisperCppStt({ modelPath: tinyModel }), {
  utterances: ["hello mirror", "I love sailing on the lake"],
  maxWer: Number.POSITIVE_INFINITY,
  maxMeanWer: Number.POSITIVE_INFINITY,
  timeoutMs: 30_000,
});

describe("whisper.cpp with a generated model (real binary)", () => {
  const vocabulary = new Set(Array.from({ length: 50_257 }, (_, id) => tinyGgmlToken(id).trim()));

  it("the text comes out of the model: only its vocabulary, the same audio gives the same text, en and nl", async () => {
    const stt = createWhisperCppStt({ modelPath: tinyModel });
    const pcm = await synthesizeSpeech("my name is Anna and I am a designer", tinyDir);
    const finals: string[] = [];
    for (const language of ["en", "en", "nl"] as const) {
      const stream = stt.open({ language, signal: new AbortController().signal });
      stream.push(pcm);
      stream.end();
      const events = await collect(stream, 30_000);
      expect(events).toHaveLength(1);
      finals.push(events[0]?.type === "final" ? events[0].text : "(none)");
    }
    await stt.close();
    expect(finals[0]).not.toBe("");
    for (const word of finals.join(" ").split(/\s+/).filter(Boolean)) expect(vocabulary.has(word), word).toBe(true);
    expect(finals[1]).toBe(finals[0]);
    expect((await stt.health()).ok).toBe(true);
  });

  it("whisper.cpp failing inside a transcription (the binding then never settles): a retryable ProviderError at the limit, and the model still serves", async () => {
    const broken = join(tinyDir, "ggml-no-space-token.bin");
    writeTinyGgmlWhisper(broken, { ...TINY, withoutSpaceToken: true });
    const stt = createWhisperCppStt({ modelPath: broken, limitMs: { base: 1_500, perAudioSecond: 0 } });
    const stream = stt.open({ language: "en", signal: new AbortController().signal });
    stream.push(new Int16Array(16_000).map((_, i) => Math.round(6000 * Math.sin(i / 7))));
    const t0 = performance.now();
    stream.end();
    const err = await collect(stream, 20_000).then(() => null, (e: unknown) => e);
    const waited = performance.now() - t0;
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).retryable).toBe(true);
    expect((err as Error).message).toMatch(/no result within 1500 ms/);
    expect(waited).toBeGreaterThanOrEqual(1_400);
    expect(waited).toBeLessThan(10_000);
    const empty = stt.open({ language: "en", signal: new AbortController().signal });
    empty.push(new Int16Array(8_000));
    empty.end();
    expect(await collect(empty, 5_000)).toEqual([{ type: "final", text: "" }]);
    await stt.close();
  });
});
