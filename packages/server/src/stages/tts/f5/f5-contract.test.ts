/** The TTS contract suite, run for every F5 path and the OpenAI-compatible speech servers, each against its local fake. */
import { afterAll } from "vitest";
import { ttsContract } from "../../../testing/contracts/tts.contract.js";
import { startF5GradioFake } from "../../../testing/fakes/f5-gradio-fake.js";
import { startF5SidecarFake } from "../../../testing/fakes/f5-sidecar-fake.js";
import { startF5SocketFake } from "../../../testing/fakes/f5-socket-fake.js";
import { writeFakeF5Cli } from "../../../testing/fakes/f5-cli-fake.js";
import { startOpenAiSpeechFake } from "../../../testing/fakes/openai-speech-fake.js";
import { createEspeakTts } from "../espeak/index.js";
import { withTtsFallback } from "../fallback/tts-fallback.js";
import { createOpenAiSpeechTts } from "../openai-speech/openai-speech-tts.js";
import { createF5CliTts } from "./cli-tts.js";
import { createF5GradioTts } from "./gradio-tts.js";
import { createF5SidecarTts } from "./sidecar-tts.js";
import { createF5SocketTts } from "./socket-tts.js";

const closers: Array<() => Promise<void>> = [];
afterAll(async () => {
  await Promise.all(closers.map((c) => c()));
});

ttsContract("f5-socket (fake socket_server.py, END glued)", async () => {
  const fake = await startF5SocketFake({ firstChunkDelayMs: 5, chunkDelayMs: 1, endMode: "glued" });
  closers.push(fake.close);
  return createF5SocketTts({ host: fake.host, port: fake.port });
});

ttsContract("f5-sidecar (fake sidecar)", async () => {
  const fake = await startF5SidecarFake({ firstChunkDelayMs: 5, chunkDelayMs: 1 });
  closers.push(fake.close);
  return createF5SidecarTts({ url: fake.url });
});

ttsContract("f5-gradio (fake app, official @gradio/client)", async () => {
  // each sentence is its own Gradio job; 80 ms of inference keeps "first audio before half the total" about the
  // provider's pipelining, not about the client's one-off set-up time on a loaded machine
  const fake = await startF5GradioFake({ inferenceMs: 80 });
  closers.push(fake.close);
  return createF5GradioTts({ url: fake.url });
});

ttsContract("f5-cli (fake f5-tts_infer-cli)", async () => {
  process.env.FAKE_F5_CLI_DELAY_MS = "20";
  return createF5CliTts({ command: await writeFakeF5Cli() });
});

ttsContract("openai-speech, reference inline", async () => {
  const fake = await startOpenAiSpeechFake({ chunkDelayMs: 1 });
  closers.push(fake.close);
  return createOpenAiSpeechTts({ baseURL: fake.url, model: "clone-tts", reference: { mode: "field", audioField: "ref_audio", textField: "ref_text" } });
});

ttsContract("openai-speech, reference uploaded once", async () => {
  const fake = await startOpenAiSpeechFake({ chunkDelayMs: 1 });
  closers.push(fake.close);
  return createOpenAiSpeechTts({
    baseURL: fake.url,
    model: "clone-tts",
    reference: { mode: "upload", path: "audio/voices", textField: "text", deletePath: "audio/voices/{id}" },
  });
});

ttsContract("fallback chain f5-socket → espeak", async () => {
  const fake = await startF5SocketFake({ firstChunkDelayMs: 5, chunkDelayMs: 1 });
  closers.push(fake.close);
  return withTtsFallback([createF5SocketTts({ host: fake.host, port: fake.port }), createEspeakTts()], { firstAudioTimeoutMs: 2_000 });
});
