import { describe, expect, it } from "vitest";
import type { Language } from "@mirror/protocol";
import type { Tts, TtsEvent, VoiceProfile, VoiceSample } from "../../../core/contracts/tts.js";
import { ProviderError } from "../../../core/errors.js";
import { withTtsFallback } from "./tts-fallback.js";

interface Probe {
  tts: Tts;
  cloned: string[];
  forgotten: string[];
}

/** A member whose clone takes `cloneMs` and whose speech fails (before audio) when `speakFails`. */
function member(name: string, o: { cloneMs: number; cloneFails?: boolean; speakFails?: boolean; languages?: Language[] }): Probe {
  const probe: Probe = { cloned: [], forgotten: [], tts: undefined as unknown as Tts };
  probe.tts = {
    info: { id: `tts/${name}`, stage: "tts", languages: o.languages ?? ["en", "nl"], local: true },
    capabilities: { streaming: true, timings: "none", sampleRate: 16_000 },
    async cloneVoice(sample: VoiceSample, signal: AbortSignal): Promise<VoiceProfile> {
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(resolve, o.cloneMs);
        signal.addEventListener("abort", () => (clearTimeout(t), reject(new Error("aborted"))), { once: true });
      });
      if (o.cloneFails) throw new ProviderError(`tts/${name}`, "cannot clone", { retryable: false });
      const id = `${name}-${probe.cloned.length}`;
      probe.cloned.push(id);
      return { id, provider: `tts/${name}`, language: sample.language, medianF0Hz: 200, syllablesPerSecond: 4, state: {} };
    },
    forgetVoice(voice: VoiceProfile): Promise<void> {
      probe.forgotten.push(voice.id);
      return Promise.resolve();
    },
    async *synthesize(): AsyncGenerator<TtsEvent> {
      await new Promise((r) => setTimeout(r, 1));
      if (o.speakFails) throw new ProviderError(`tts/${name}`, "down", { retryable: true });
      yield { type: "audio", pcm: new Float32Array(160).fill(0.1), sampleRate: 16_000 };
    },
  };
  return probe;
}

const sample = (language: Language = "en"): VoiceSample => ({ pcm: new Float32Array(16_000), sampleRate: 16_000, transcript: "hello", language });

async function speak(tts: Tts, voice: VoiceProfile): Promise<number> {
  let n = 0;
  for await (const ev of tts.synthesize({ text: "Hello there.", voice, signal: new AbortController().signal })) if (ev.type === "audio") n += ev.pcm.length;
  return n;
}

describe("TTS fallback clone: ready with the first member that speaks the language", () => {
  it("does not wait for a slow fallback member; a sentence handed to it waits for its clone", async () => {
    const lead = member("lead", { cloneMs: 10, speakFails: true });
    const slow = member("slow", { cloneMs: 400 });
    const chain = withTtsFallback([lead.tts, slow.tts], { firstAudioTimeoutMs: 2_000 });
    const t0 = performance.now();
    const voice = await chain.cloneVoice(sample(), new AbortController().signal);
    expect(performance.now() - t0).toBeLessThan(300);
    expect(slow.cloned).toEqual([]);
    expect(await speak(chain, voice)).toBe(160); // the lead fails, the slow member's clone is awaited and speaks
    expect(slow.cloned).toEqual(["slow-0"]);
    await chain.forgetVoice(voice);
    expect([...lead.forgotten, ...slow.forgotten]).toEqual(["lead-0", "slow-0"]);
  });

  it("a member that cannot speak the language is not waited for; one that failed before it is skipped", async () => {
    const english = member("en-only", { cloneMs: 5, languages: ["en"] });
    const broken = member("broken", { cloneMs: 5, cloneFails: true });
    const dutch = member("nl", { cloneMs: 30 });
    const chain = withTtsFallback([english.tts, broken.tts, dutch.tts]);
    const voice = await chain.cloneVoice(sample("nl"), new AbortController().signal);
    expect(voice.medianF0Hz).toBe(200);
    expect(dutch.cloned).toEqual(["nl-0"]);
    expect(await speak(chain, voice)).toBe(160);
    await chain.forgetVoice(voice);
    expect(dutch.forgotten).toEqual(["nl-0"]);
  });

  it("forgetting the voice while a member still clones stops that clone, and anything it made is forgotten", async () => {
    const lead = member("lead", { cloneMs: 5 });
    const slow = member("slow", { cloneMs: 5_000 });
    const chain = withTtsFallback([lead.tts, slow.tts]);
    const voice = await chain.cloneVoice(sample(), new AbortController().signal);
    const t0 = performance.now();
    await chain.forgetVoice(voice);
    expect(performance.now() - t0).toBeLessThan(1_000);
    expect(slow.cloned).toEqual([]);
    expect(lead.forgotten).toEqual(["lead-0"]);
    expect(voice.state).not.toHaveProperty("members");
  });

  it("no member can clone: the first member's error", async () => {
    const a = member("a", { cloneMs: 5, cloneFails: true });
    const b = member("b", { cloneMs: 20, cloneFails: true });
    await expect(withTtsFallback([a.tts, b.tts]).cloneVoice(sample(), new AbortController().signal)).rejects.toThrow(/tts\/a.*cannot clone|cannot clone/);
  });
});
