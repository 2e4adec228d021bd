/**
 * A Mirror server in its own process, for the privacy test: fast scripted stages, a TTS that keeps the visitor's
 * reference audio in a private temp file (as the F5 CLI provider does), every log line to stdout. It prints
 * `PORT <n>`, writes a heap snapshot when asked over IPC, and purges on SIGTERM / SIGINT like `mirror start`.
 */
import { randomBytes } from "node:crypto";
import { writeHeapSnapshot } from "node:v8";
import type { Stt } from "../core/contracts/stt.js";
import { int16ToBytes } from "@mirror/protocol";
import type { Tts, VoiceProfile, VoiceSample } from "../core/contracts/tts.js";
import { purgeOnSignals } from "../http/shutdown.js";
import { PrivateFiles } from "../stages/tts/shared/private-files.js";
import { FakeStt, FakeTts } from "./fakes/stages.js";
import { startTestServer } from "./test-server.js";
import { loadConfig } from "../config/config.js";
import { consentScreens } from "../config/privacy.js";
import { createRetention } from "../retention/from-config.js";

/**
 * Hears new words in every utterance, made up on the spot: they exist only in this process and only through the
 * visit (an STT configured with fixed words would itself be a place where they stay).
 */
const stt: Stt = {
  info: new FakeStt().info,
  capabilities: new FakeStt().capabilities,
  open: (opts) => new FakeStt(`my secret is quokka${randomBytes(6).toString("hex")} zanzibar${randomBytes(6).toString("hex")}`, 5).open(opts),
};
const files = new PrivateFiles("mirror-privacy-voice-");
const inner = new FakeTts(0);
/** Keeps the reference in a temp file for the visit; forgetting the voice removes it. */
const tts: Tts = {
  info: inner.info,
  capabilities: inner.capabilities,
  synthesize: (req) => inner.synthesize(req),
  async cloneVoice(sample: VoiceSample, signal?: AbortSignal): Promise<VoiceProfile> {
    const voice = await inner.cloneVoice(sample);
    const pcm = Int16Array.from(sample.pcm, (x) => Math.round(x * 32767));
    const path = await files.write("reference.pcm", int16ToBytes(pcm));
    pcm.fill(0);
    void signal;
    return { ...voice, state: { ...(voice.state as object), path } };
  },
  async forgetVoice(voice: VoiceProfile): Promise<void> {
    await inner.forgetVoice(voice);
    const path = (voice.state as { path?: string }).path;
    if (path) await files.remove(path);
  },
};

const log = (line: string) => console.log(`[mirror] ${line}`);
// the installation's defaults, as `mirror start` reads them: the consent text and a retention that keeps nothing
const config = loadConfig({ env: {} });
const retention = createRetention(config.privacy.retention, { configDir: process.env.MIRROR_CONFIG_DIR ?? "", log });
const t = await startTestServer({ stt, tts, server: { log }, session: { consent: consentScreens(config.privacy), retention } });
for (const line of t.logs) log(line);
t.logs.length = 0;
setInterval(() => {
  for (const line of t.logs.splice(0)) log(line);
}, 50).unref();
process.on("message", (msg: { type: string; path?: string }) => {
  if (msg.type === "snapshot" && msg.path) {
    globalThis.gc?.();
    writeHeapSnapshot(msg.path);
    process.send?.({ type: "snapshot-written" });
  }
});
purgeOnSignals(async () => {
  await t.close();
  for (const line of t.logs.splice(0)) log(line);
}, log);
console.log(`PORT ${t.server.port}`);
