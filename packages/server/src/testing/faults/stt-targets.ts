/** A Whisper server (OpenAI-compatible transcriptions) behind the fault proxy, with the embedded recognizer as the fallback. */
import { MIC_SAMPLE_RATE } from "@mirror/protocol";
import { float32ToInt16, resample } from "../../audio/pcm.js";
import { transcribe } from "../../core/contracts/stt.js";
import { createPocketSphinxStt } from "../../stages/stt/pocketsphinx/index.js";
import { withSttFallback } from "../../stages/stt/fallback/stt-fallback.js";
import { createWhisperServerStt } from "../../stages/stt/whisper-server/index.js";
import { fixtureVoiceSample } from "../contracts/tts.contract.js";
import { FakeStt } from "../fakes/stages.js";
import { startWhisperServerFake } from "../fakes/whisper-server-fake.js";
import { AttemptRecorder, RecorderSlot } from "./attempt-recorder.js";
import { PROVIDER_LIMIT_MS, httpCases, type FaultTarget } from "./fault-table.js";
import { startHttpFaultProxy } from "./http-fault-proxy.js";

/** 0.3 s of the fixture visitor reading aloud, as the microphone gives it. */
function utterance(): Int16Array {
  const sample = fixtureVoiceSample();
  const pcm = resample(sample.pcm, sample.sampleRate, MIC_SAMPLE_RATE);
  return float32ToInt16(pcm.subarray(0, Math.round(0.3 * MIC_SAMPLE_RATE)));
}

export const WHISPER_TARGET: FaultTarget = {
  providerId: "stt/whisper-server",
  fallbackId: "stt/pocketsphinx",
  cases: httpCases({
    limitMs: 2 * PROVIDER_LIMIT_MS,
    malformed: { kind: "malformed", contentType: "application/json", body: '{"text": "unterminated' },
    truncateAfterBytes: 5,
    match: (r) => r.path.endsWith("/audio/transcriptions"),
  }),
  async start() {
    // the healthy upstream hears with a scripted recognizer: the fault suite is about the wire, not about words
    const fake = await startWhisperServerFake(new FakeStt("hello mirror"));
    const proxy = await startHttpFaultProxy(fake.url.replace(/\/v1$/, ""));
    // its limit covers the whole request (upload, transcription, answer), so it is longer than a first-byte limit
    const whisper = createWhisperServerStt({ baseUrl: `${proxy.url}/v1`, model: "whisper-1", timeoutMs: 2 * PROVIDER_LIMIT_MS });
    const embedded = createPocketSphinxStt();
    await embedded.warmup?.();
    const slot = new RecorderSlot();
    const chain = withSttFallback([whisper, embedded], { onFailure: slot.onFailure, onSuccess: slot.onSuccess });
    const audio = utterance();
    // warm, unmeasured (a cold first request on a loaded machine may miss the short limit: tried a few times)
    for (let i = 0; i < 3; i++) {
      const ok = await transcribe(whisper, audio, { language: "en", signal: AbortSignal.timeout(10_000) }).then(() => true, () => false);
      if (ok) break;
    }
    return {
      setFault: (c) => proxy.set(c.fault, c.match),
      settled: (ms) => proxy.settled(ms),
      async attempt(board) {
        const rec = (slot.current = new AttemptRecorder(WHISPER_TARGET.providerId, board));
        const stream = chain.open({ language: "en", signal: new AbortController().signal });
        for (let i = 0; i < audio.length; i += 320) stream.push(audio.subarray(i, i + 320));
        stream.end();
        for await (const ev of stream.events) if (ev.type === "final") rec.output(Math.max(1, ev.text.length));
        return rec.result();
      },
      async close() {
        await chain.close?.();
        await proxy.close();
        await fake.close();
      },
    };
  },
};
