import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProviderError } from "../../../core/errors.js";
import { collect, pushFrames, sttContract, synthesizeSpeech } from "../../../testing/contracts/stt.contract.js";
import { startWhisperServerFake, type WhisperServerFake } from "../../../testing/fakes/whisper-server-fake.js";
import { createPocketSphinxStt } from "../pocketsphinx/index.js";
import { createWhisperServerStt } from "./index.js";

const UTTERANCES = ["the quick brown fox jumps over the lazy dog", "please tell me a story about the sea", "hello there how are you today"];

// the fake server recognizes with the embedded PocketSphinx: the contract's WER bounds test a real round trip
const recognizer = createPocketSphinxStt({ finalize: "accurate" });
let fake: WhisperServerFake;
const ready = (async () => {
  await recognizer.warmup();
  fake = await startWhisperServerFake(recognizer, { models: ["whisper-1", "Systran/faster-whisper-small"] });
  return fake;
})();

afterAll(async () => {
  await fake?.close();
  await recognizer.close();
});

sttContract("whisper-server (OpenAI-compatible, official client)", async () => createWhisperServerStt({ baseUrl: (await ready).url, model: "whisper-1" }), {
  utterances: UTTERANCES,
  maxWer: 0.3,
  maxMeanWer: 0.15,
});

describe("whisper-server specifics", () => {
  let dir = "";
  let fox = new Int16Array(0) as Int16Array;
  beforeAll(async () => {
    await ready;
    dir = await mkdtemp(join(tmpdir(), "mirror-whisper-"));
    fox = await synthesizeSpeech(UTTERANCES[0]!, dir, "kal");
  }, 60_000);
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("sends the utterance as one WAV with the model, the visit's language and the prompt; no request for silence", async () => {
    const stt = createWhisperServerStt({ baseUrl: fake.url, model: "Systran/faster-whisper-small", prompt: "Anna, forest" });
    const before = fake.requests.length;
    const s = stt.open({ language: "nl", signal: new AbortController().signal });
    pushFrames(s, fox);
    s.end();
    const events = await collect(s, 20_000);
    expect(events.map((e) => e.type)).toEqual(["final"]);
    const req = fake.requests[before]!;
    expect(req).toMatchObject({ model: "Systran/faster-whisper-small", language: "nl", prompt: "Anna, forest", responseFormat: "json" });
    expect(Math.abs(req.seconds - fox.length / 16000)).toBeLessThan(0.01);
    const quiet = stt.open({ language: "en", signal: new AbortController().signal });
    pushFrames(quiet, new Int16Array(16000));
    quiet.end();
    expect(await collect(quiet, 5000)).toEqual([{ type: "final", text: "" }]);
    expect(fake.requests.length).toBe(before + 1);
  }, 30_000);

  it("a failing server surfaces as a retryable ProviderError from the events; an unknown model as a fatal one", async () => {
    fake.failWith = 503;
    try {
      const s = createWhisperServerStt({ baseUrl: fake.url, model: "whisper-1" }).open({ language: "en", signal: new AbortController().signal });
      pushFrames(s, fox);
      s.end();
      const err = await collect(s, 10_000).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProviderError);
      expect((err as ProviderError).retryable).toBe(true);
      expect((err as ProviderError).status).toBe(503);
    } finally {
      fake.failWith = null;
    }
    const s = createWhisperServerStt({ baseUrl: fake.url, model: "no-such-model" }).open({ language: "en", signal: new AbortController().signal });
    pushFrames(s, fox);
    s.end();
    const err = await collect(s, 10_000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).retryable).toBe(false);
  }, 30_000);

  it("aborting while the server works ends the events without a final", async () => {
    fake.delayMs = 400;
    try {
      const ac = new AbortController();
      const s = createWhisperServerStt({ baseUrl: fake.url, model: "whisper-1" }).open({ language: "en", signal: ac.signal });
      pushFrames(s, fox);
      s.end();
      const pending = collect(s, 5000);
      await new Promise((r) => setTimeout(r, 100));
      ac.abort();
      expect(await pending).toEqual([]);
    } finally {
      fake.delayMs = 0;
    }
  });

  it("needs a model", () => {
    expect(() => createWhisperServerStt({ baseUrl: fake.url, model: "" })).toThrow(ProviderError);
  });
});
