/** The remote voices (F5 socket, sidecar, Gradio app; OpenAI-compatible speech) behind the fault proxies, with the embedded voice as the fallback. */
import type { Tts, VoiceProfile } from "../../core/contracts/tts.js";
import { createEspeakTts } from "../../stages/tts/espeak/index.js";
import { createF5GradioTts } from "../../stages/tts/f5/gradio-tts.js";
import { createF5SidecarTts } from "../../stages/tts/f5/sidecar-tts.js";
import { createF5SocketTts } from "../../stages/tts/f5/socket-tts.js";
import { F5_END, encodeF5Audio } from "../../stages/tts/f5/socket-protocol.js";
import { withTtsFallback } from "../../stages/tts/fallback/tts-fallback.js";
import { createOpenAiSpeechTts } from "../../stages/tts/openai-speech/openai-speech-tts.js";
import { fixtureVoiceSample } from "../contracts/tts.contract.js";
import { startF5GradioFake } from "../fakes/f5-gradio-fake.js";
import { startF5SidecarFake } from "../fakes/f5-sidecar-fake.js";
import { startF5SocketFake } from "../fakes/f5-socket-fake.js";
import { startOpenAiSpeechFake } from "../fakes/openai-speech-fake.js";
import { AttemptRecorder, RecorderSlot } from "./attempt-recorder.js";
import { PROVIDER_LIMIT_MS, httpCases, tcpCases, type FaultCase, type FaultTarget, type RunningTarget } from "./fault-table.js";
import { startHttpFaultProxy, type RequestMatcher } from "./http-fault-proxy.js";
import { startTcpFaultProxy, type TcpFault } from "./tcp-fault-proxy.js";

const TEXT = "Yes, I see.";

/** Audio no one can play: NaN and huge samples, then the end marker. */
const BAD_FLOATS = Uint8Array.from([...encodeF5Audio(Float32Array.of(Number.NaN, 1e9, -1e9, Number.POSITIVE_INFINITY)), ...F5_END]);
/** Bytes of an MP3 frame header and noise: not the raw PCM that was asked for. */
const MP3ISH = Uint8Array.from([0x49, 0x44, 0x33, 0x04, 0, 0, 0, 0, 0, 0x21, 0xff, 0xfb, 0x90, 0x64, ...Array.from({ length: 64 }, (_, i) => (i * 37) & 0xff)]);

interface Remote {
  tts: Tts;
  setFault(c: FaultCase): Promise<void>;
  settled(ms: number): Promise<boolean>;
  close(): Promise<void>;
}

/** Clones the fixture visitor through the healthy path once, then runs every case against [provider, espeak]. */
async function runningTts(providerId: string, remote: Remote): Promise<RunningTarget> {
  const slot = new RecorderSlot();
  const chain = withTtsFallback([remote.tts, createEspeakTts()], { onFailure: slot.onFailure, onSuccess: slot.onSuccess });
  const voice: VoiceProfile = await chain.cloneVoice(fixtureVoiceSample(), new AbortController().signal);
  // one unmeasured sentence: connections made, code paths warm
  for await (const _ of chain.synthesize({ text: TEXT, voice, signal: new AbortController().signal }));
  return {
    setFault: (c) => remote.setFault(c),
    settled: (ms) => remote.settled(ms),
    async attempt(board) {
      const rec = (slot.current = new AttemptRecorder(providerId, board));
      for await (const ev of chain.synthesize({ text: TEXT, voice, signal: new AbortController().signal })) {
        if (ev.type === "audio") rec.output(ev.pcm.length);
      }
      return rec.result();
    },
    async close() {
      await chain.forgetVoice(voice);
      await chain.close?.();
      await remote.close();
    },
  };
}

const limits = { firstAudioTimeoutMs: PROVIDER_LIMIT_MS, idleTimeoutMs: PROVIDER_LIMIT_MS };

export const F5_SOCKET_TARGET: FaultTarget = {
  providerId: "tts/f5-socket",
  fallbackId: "tts/espeak",
  cases: tcpCases({ malformed: BAD_FLOATS, truncateAfterBytes: 2 }),
  async start() {
    const fake = await startF5SocketFake({ firstChunkDelayMs: 2, chunkDelayMs: 0 });
    const proxy = await startTcpFaultProxy(fake);
    const tts = createF5SocketTts({ host: proxy.host, port: proxy.port, connectTimeoutMs: PROVIDER_LIMIT_MS, idleTimeoutMs: PROVIDER_LIMIT_MS });
    return runningTts("tts/f5-socket", {
      tts,
      setFault: (c) => proxy.set(c.fault as TcpFault),
      settled: (ms) => proxy.settled(ms),
      close: async () => {
        await proxy.close();
        await fake.close();
      },
    });
  },
};

const httpRemote = async (upstream: string, make: (url: string) => Tts, close: () => Promise<void>): Promise<Remote> => {
  const proxy = await startHttpFaultProxy(upstream);
  return {
    tts: make(proxy.url),
    setFault: (c) => proxy.set(c.fault, c.match),
    settled: (ms) => proxy.settled(ms),
    close: async () => {
      await proxy.close();
      await close();
    },
  };
};

const speakPath: RequestMatcher = (r) => /\/voices\/[^/]+\/speak$/.test(r.path);

export const F5_SIDECAR_TARGET: FaultTarget = {
  providerId: "tts/f5-sidecar",
  fallbackId: "tts/espeak",
  cases: httpCases({ malformed: { kind: "malformed", contentType: "application/octet-stream", body: BAD_FLOATS.subarray(0, 16) }, truncateAfterBytes: 2, match: speakPath }),
  async start() {
    const fake = await startF5SidecarFake({ firstChunkDelayMs: 2, chunkDelayMs: 0 });
    return runningTts("tts/f5-sidecar", await httpRemote(fake.url, (url) => createF5SidecarTts({ url, requestTimeoutMs: 5_000, ...limits }), fake.close));
  },
};

export const OPENAI_SPEECH_TARGET: FaultTarget = {
  providerId: "tts/openai-speech",
  fallbackId: "tts/espeak",
  cases: httpCases({
    malformed: { kind: "malformed", contentType: "audio/mpeg", body: MP3ISH },
    truncateAfterBytes: 1,
    match: (r) => r.path.endsWith("/audio/speech"),
  }),
  async start() {
    const fake = await startOpenAiSpeechFake({ chunkDelayMs: 0 });
    const make = (url: string) =>
      createOpenAiSpeechTts({ baseURL: `${url}/v1`, model: "clone-tts", reference: { mode: "field", audioField: "ref_audio", textField: "ref_text" }, requestTimeoutMs: 5_000, ...limits });
    return runningTts("tts/openai-speech", await httpRemote(fake.url.replace(/\/v1$/, ""), make, fake.close));
  },
};

/** Gradio: the job is submitted to the queue, its events come over SSE, then the audio file is downloaded. */
const queueJoin: RequestMatcher = (r) => r.path.startsWith("/gradio_api/queue/join");
const queueData: RequestMatcher = (r) => r.path.startsWith("/gradio_api/queue/data");
const audioFile: RequestMatcher = (r) => r.path.startsWith("/gradio_api/file=") && r.path.endsWith("/audio.wav");

const GRADIO_LINGERS = "@gradio/client takes no AbortSignal: its session's queue stream stays open after a job it gave up on";

export const F5_GRADIO_TARGET: FaultTarget = {
  providerId: "tts/f5-gradio",
  fallbackId: "tts/espeak",
  cases: httpCases({
    malformed: { kind: "malformed", contentType: "audio/wav", body: MP3ISH },
    truncateAfterBytes: 20,
    match: queueJoin,
    overrides: {
      "accepted, never answered": { match: queueData, lingers: GRADIO_LINGERS },
      // @gradio/client turns any failed join into a status event without the HTTP status: retryable by default
      "connection refused": { classes: ["refused", "other"] },
      "connection reset": { classes: ["reset", "truncated", "other"] },
      "HTTP 401": { retryable: true, classes: ["other"] },
      "HTTP 404": { retryable: true, classes: ["other"] },
      // … and may hold a failed join until the job's own limit fires
      "HTTP 429 + Retry-After": { classes: ["other", "timeout"] },
      "HTTP 500": { classes: ["other", "timeout"] },
      "HTTP 503": { classes: ["other", "timeout"] },
      "malformed body": { match: audioFile, classes: ["malformed", "timeout"], lingers: GRADIO_LINGERS },
      "wrong content type": { match: queueJoin, classes: ["other", "malformed", "timeout"], lingers: GRADIO_LINGERS },
      // a cut-off file may surface only when the job limit fires, and then the queue stream is left open as above
      "truncated stream": { match: audioFile, classes: ["truncated", "reset", "timeout"], lingers: GRADIO_LINGERS },
      "slow-loris": { match: audioFile, lingers: GRADIO_LINGERS },
    },
  }),
  async start() {
    const fake = await startF5GradioFake({ inferenceMs: 2 });
    return runningTts(
      "tts/f5-gradio",
      await httpRemote(fake.url, (url) => createF5GradioTts({ url, connectTimeoutMs: PROVIDER_LIMIT_MS * 10, requestTimeoutMs: PROVIDER_LIMIT_MS, idleTimeoutMs: PROVIDER_LIMIT_MS }), fake.close),
    );
  },
};

export const TTS_TARGETS: readonly FaultTarget[] = [F5_SOCKET_TARGET, F5_SIDECAR_TARGET, F5_GRADIO_TARGET, OPENAI_SPEECH_TARGET];
