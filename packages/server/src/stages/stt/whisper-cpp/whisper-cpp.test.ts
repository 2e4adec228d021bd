import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MirrorConfig } from "../../../config/config.js";
import { ProviderError } from "../../../core/errors.js";
import { collect } from "../../../testing/contracts/stt.contract.js";
import { createWhisperCppStt } from "./index.js";

// No ggml Whisper model can be had here (no npm or Debian package ships one): these tests cover loading with the
// real prebuilt binary and its error paths; recognition itself is untested until an operator provides a model.
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
    stream.push(new Int16Array(512));
    stream.push(new Int16Array(512));
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
