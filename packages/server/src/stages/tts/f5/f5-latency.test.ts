/**
 * Mirror's own cost on the F5 paths, against fakes with the reference installation's delays:
 * ≤ 10 ms p50 from the fake's first audio (socket, sidecar) or its announced result (Gradio) to the
 * provider's first audio event; an aborted reply closes the socket / cancels the Gradio job within 50 ms.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Tts, VoiceProfile } from "../../../core/contracts/tts.js";
import { fixtureVoiceSample } from "../../../testing/contracts/tts.contract.js";
import { startF5GradioFake, type F5GradioFake } from "../../../testing/fakes/f5-gradio-fake.js";
import { startF5SidecarFake, type F5SidecarFake } from "../../../testing/fakes/f5-sidecar-fake.js";
import { startF5SocketFake, type F5SocketFake } from "../../../testing/fakes/f5-socket-fake.js";
import { sleep } from "../../../testing/fakes/fake-speech.js";
import { createF5GradioTts } from "./gradio-tts.js";
import { createF5SidecarTts } from "./sidecar-tts.js";
import { createF5SocketTts } from "./socket-tts.js";

const SENTENCE = "I think you are braver than you believe.";
const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/** Time of the provider's first audio event for each run (performance.now()). */
async function firstAudioTimes(tts: Tts, voice: VoiceProfile, runs: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const ac = new AbortController();
    for await (const ev of tts.synthesize({ text: SENTENCE, voice, signal: ac.signal })) {
      if (ev.type === "audio") {
        out.push(performance.now());
        break; // the consumer stops: the provider must clean up the rest
      }
    }
    await sleep(20);
  }
  return out;
}

/** Aborts right after the first audio; returns performance.now() of the abort. */
async function abortAfterFirstAudio(tts: Tts, voice: VoiceProfile, text = SENTENCE): Promise<number> {
  const ac = new AbortController();
  let at = -1;
  try {
    for await (const ev of tts.synthesize({ text, voice, signal: ac.signal })) {
      if (ev.type === "audio" && at < 0) {
        at = performance.now();
        ac.abort();
      }
    }
  } catch {
    // aborted
  }
  return at;
}

describe("F5 socket: overhead and abort", () => {
  let fake: F5SocketFake;
  let tts: Tts;
  let voice: VoiceProfile;
  beforeAll(async () => {
    fake = await startF5SocketFake({ firstChunkDelayMs: 300, chunkDelayMs: 30, endMode: "glued" });
    tts = createF5SocketTts({ host: fake.host, port: fake.port });
    voice = await tts.cloneVoice(fixtureVoiceSample(), new AbortController().signal);
  });
  afterAll(async () => {
    await tts.close?.();
    await fake.close();
  });

  it("adds ≤ 10 ms p50 over the server's first chunk", async () => {
    const firsts = await firstAudioTimes(tts, voice, 8);
    const overhead = firsts.map((t, i) => t - (fake.firstChunkAt[i] ?? NaN));
    console.log(`f5-socket overhead ms: p50 ${p50(overhead).toFixed(2)}, all ${overhead.map((x) => x.toFixed(1)).join(" ")}`);
    expect(overhead.every((x) => x >= 0)).toBe(true);
    expect(p50(overhead)).toBeLessThanOrEqual(10);
  });

  it("an abort closes the socket within 50 ms, and the next reply works on a new connection", async () => {
    const before = fake.hangupsDuringReply.length;
    const connections = fake.connections;
    const at = await abortAfterFirstAudio(tts, voice, `${SENTENCE} ${SENTENCE} ${SENTENCE}`);
    await sleep(60);
    const closed = fake.hangupsDuringReply[before];
    expect(closed).toBeDefined();
    console.log(`f5-socket abort → server sees close: ${((closed ?? 0) - at).toFixed(2)} ms`);
    expect((closed ?? Infinity) - at).toBeLessThanOrEqual(50);
    const again = await firstAudioTimes(tts, voice, 1);
    expect(again).toHaveLength(1);
    expect(fake.connections).toBeGreaterThan(connections);
  });
});

describe("F5 sidecar: overhead and abort", () => {
  let fake: F5SidecarFake;
  let tts: Tts;
  let voice: VoiceProfile;
  beforeAll(async () => {
    fake = await startF5SidecarFake({ firstChunkDelayMs: 300, chunkDelayMs: 30 });
    tts = createF5SidecarTts({ url: fake.url });
    voice = await tts.cloneVoice(fixtureVoiceSample(), new AbortController().signal);
  });
  afterAll(async () => {
    await tts.forgetVoice(voice);
    await tts.close?.();
    await fake.close();
  });

  it("adds ≤ 10 ms p50 over the sidecar's first chunk", async () => {
    const firsts = await firstAudioTimes(tts, voice, 8);
    const overhead = firsts.map((t, i) => t - (fake.firstChunkAt[i] ?? NaN));
    console.log(`f5-sidecar overhead ms: p50 ${p50(overhead).toFixed(2)}, all ${overhead.map((x) => x.toFixed(1)).join(" ")}`);
    expect(p50(overhead)).toBeLessThanOrEqual(10);
  });

  it("an abort closes the HTTP stream within 50 ms; forget deletes the voice on the sidecar", async () => {
    const before = fake.hangups.length;
    const at = await abortAfterFirstAudio(tts, voice);
    await sleep(60);
    const closed = fake.hangups[before];
    console.log(`f5-sidecar abort → sidecar sees close: ${((closed ?? NaN) - at).toFixed(2)} ms`);
    expect((closed ?? Infinity) - at).toBeLessThanOrEqual(50);
    const id = (voice.state as { voiceId?: string }).voiceId;
    await tts.forgetVoice(voice);
    expect(fake.deleted).toContain(id);
    expect(fake.voices.size).toBe(0);
    expect(Object.keys(voice.state)).toHaveLength(0);
  });
});

describe("F5 Gradio: overhead and cancel", () => {
  let fake: F5GradioFake;
  let tts: Tts;
  let voice: VoiceProfile;
  beforeAll(async () => {
    fake = await startF5GradioFake({ inferenceMs: 1_500 });
    tts = createF5GradioTts({ url: fake.url });
    voice = await tts.cloneVoice(fixtureVoiceSample(), new AbortController().signal);
  });
  afterAll(async () => {
    await tts.close?.();
    await fake.close();
  });

  it("uploads the reference once per visit; ≤ 10 ms p50 from the audio file's first bytes, ≤ 30 ms from the announced result", async () => {
    const firsts = await firstAudioTimes(tts, voice, 4);
    const fromFile = firsts.map((t, i) => t - (fake.fileSentAt[i] ?? NaN));
    const fromResult = firsts.map((t, i) => t - (fake.completedAt[i] ?? NaN));
    console.log(`f5-gradio ms: file bytes → first audio p50 ${p50(fromFile).toFixed(2)}; result announced → first audio p50 ${p50(fromResult).toFixed(2)} (all ${fromResult.map((x) => x.toFixed(1)).join(" ")})`);
    expect(p50(fromFile)).toBeLessThanOrEqual(10);
    expect(p50(fromResult)).toBeLessThanOrEqual(30);
    expect(fake.uploads.size - fake.completedAt.length).toBe(1); // one reference, plus one output file per call
    expect(new Set(fake.calls.map((c) => c.refPath)).size).toBe(1);
  }, 30_000);

  it("an abort before the result cancels the Gradio job within 50 ms", async () => {
    const ac = new AbortController();
    const it = tts.synthesize({ text: SENTENCE, voice, signal: ac.signal })[Symbol.asyncIterator]();
    const pending = it.next().catch(() => null);
    await sleep(300);
    const before = fake.cancels.length;
    const at = performance.now();
    ac.abort();
    await pending;
    await sleep(80);
    const cancel = fake.cancels[before];
    console.log(`f5-gradio abort → /cancel at the app: ${((cancel?.at ?? NaN) - at).toFixed(2)} ms`);
    expect((cancel?.at ?? Infinity) - at).toBeLessThanOrEqual(50);
  }, 30_000);

  it("forgetting the voice deletes the private temp file", async () => {
    const path = (voice.state as { tempPath?: string }).tempPath ?? "";
    const { existsSync } = await import("node:fs");
    expect(existsSync(path)).toBe(true);
    await tts.forgetVoice(voice);
    expect(existsSync(path)).toBe(false);
  });
});
