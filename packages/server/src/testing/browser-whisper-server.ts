import type { Language } from "@mirror/protocol";
import { systemClock } from "../core/clock.js";
import { startServer, type RunningServer, type WebAsset } from "../http/server.js";
import { MetricsObserver } from "../observers/metrics.js";
import { createDialoguePlan } from "../script/plan.js";
import type { BrowserWhisperHub } from "../stages/stt/browser-whisper/index.js";
import { createEnergyVad } from "../stages/vad/energy/index.js";
import { FakeLipsync, FakeLlm, FakeTts, type FakeStt } from "./fakes/stages.js";

/**
 * A kiosk server whose ears are the browser's Whisper (the hub) with a fake server STT behind it, and fake
 * brain/voice/face so that only the speech-in path is measured. For the browser-Whisper e2e test and bench.
 */
export function startBrowserWhisperServer(o: { assets: Map<string, WebAsset>; hub: BrowserWhisperHub; fallback: FakeStt; llmDelayMs?: number; language?: Language }): Promise<RunningServer> {
  return startServer({
    host: "127.0.0.1",
    port: 0,
    assets: o.assets,
    metrics: new MetricsObserver(),
    session: {
      providers: { vad: createEnergyVad(), stt: o.fallback, llm: new FakeLlm(undefined, o.llmDelayMs), tts: new FakeTts(0), lipsync: new FakeLipsync(), browserStt: o.hub },
      plan: createDialoguePlan(),
      clock: systemClock,
      random: Math.random,
      ...(o.language ? { language: o.language } : {}),
    },
  });
}
