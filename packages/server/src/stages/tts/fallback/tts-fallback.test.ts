import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Tts, VoiceProfile } from "../../../core/contracts/tts.js";
import type { ProviderError } from "../../../core/errors.js";
import { fixtureVoiceSample, synthesizeAll } from "../../../testing/contracts/tts.contract.js";
import { startF5SocketFake, type F5SocketFake } from "../../../testing/fakes/f5-socket-fake.js";
import { createEspeakTts } from "../espeak/index.js";
import { createF5SocketTts } from "../f5/socket-tts.js";
import { clonesSettled, withTtsFallback } from "./tts-fallback.js";

const TEXT = "You have a lovely way of saying things.";

describe("TTS fallback: F5 fails before its first audio → the embedded voice speaks", () => {
  let fake: F5SocketFake;
  const switches: Array<[string, string, ProviderError]> = [];
  let chain: Tts;
  let voice: VoiceProfile;

  beforeAll(async () => {
    fake = await startF5SocketFake({ firstChunkDelayMs: 5 });
    chain = withTtsFallback([createF5SocketTts({ host: fake.host, port: fake.port }), createEspeakTts()], {
      firstAudioTimeoutMs: 400,
      onFallback: (from, to, err) => switches.push([from, to, err]),
    });
    await chain.warmup?.();
    voice = await chain.cloneVoice(fixtureVoiceSample(), new AbortController().signal);
    await clonesSettled(voice);
  }, 60_000);
  afterAll(async () => {
    await chain.forgetVoice(voice);
    await chain.close?.();
    await fake.close();
  });

  it("uses F5 while it works, at the chain's sample rate", async () => {
    const s = await synthesizeAll(chain, TEXT, voice);
    expect(s.pcm.length / s.sampleRate).toBeGreaterThan(1);
    expect(switches).toHaveLength(0);
    expect(fake.requests.at(-1)).toBe(TEXT);
  });

  it("a server that stays silent past the first-audio timeout hands over to espeak (resampled to 24 kHz)", async () => {
    fake.options.firstChunkDelayMs = 1_000;
    const t0 = performance.now();
    const s = await synthesizeAll(chain, TEXT, voice);
    fake.options.firstChunkDelayMs = 5;
    await new Promise((r) => setTimeout(r, 800)); // the single-client server finishes the abandoned reply
    expect(switches.at(-1)?.slice(0, 2)).toEqual(["tts/f5-socket", "tts/espeak"]);
    expect(s.firstAudioMs).toBeLessThan(400 + 200);
    expect(performance.now() - t0).toBeLessThan(3_000);
    for (const ev of s.events) if (ev.type === "audio") expect(ev.sampleRate).toBe(24_000);
    expect(s.events.some((e) => e.type === "phoneme")).toBe(false); // the chain declares no timings
  });

  it("a server that is down hands over at once", async () => {
    const dead = withTtsFallback([createF5SocketTts({ host: "127.0.0.1", port: 1 }), createEspeakTts()]);
    const v = await dead.cloneVoice(fixtureVoiceSample(), new AbortController().signal);
    await clonesSettled(v); // what is measured here is the hand-over, not espeak's clone still running behind the lead's
    const s = await synthesizeAll(dead, TEXT, v);
    expect(s.pcm.length / s.sampleRate).toBeGreaterThan(1);
    expect(s.firstAudioMs).toBeLessThan(1_000);
    await dead.forgetVoice(v);
  });

  it("a crash after audio has played is not hidden by a switch: the error surfaces", async () => {
    fake.options.crashAfterChunks = 2;
    const before = switches.length;
    const err = await synthesizeAll(chain, TEXT, voice).then(
      () => null,
      (e: unknown) => e,
    );
    expect(String(err)).toMatch(/closed the connection mid-reply/);
    expect(switches.length).toBe(before);
  });
});
