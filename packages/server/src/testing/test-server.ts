import { readFileSync } from "node:fs";
import { join } from "node:path";
import { systemClock } from "../core/clock.js";
import type { Llm } from "../core/contracts/llm.js";
import type { Stt } from "../core/contracts/stt.js";
import type { Tts } from "../core/contracts/tts.js";
import { loadVisitor, type RecordedVisitor } from "../demo/visitor.js";
import { startServer, type MirrorServerOptions, type RunningServer, type WebAsset } from "../http/server.js";
import { MetricsObserver } from "../observers/metrics.js";
import type { Providers, SessionTimeouts, VisitSessionOptions } from "../session/visit-session.js";
import { createDialoguePlan } from "../script/plan.js";
import { createEnergyVad } from "../stages/vad/energy/index.js";
import { FakeLipsync, FakeLlm, FakeStt, FakeTts } from "./fakes/stages.js";

export const FIXTURE_VISITOR = join(import.meta.dirname, "../../../../fixtures/visitor-1");

export function fixtureVisitor(): RecordedVisitor {
  return loadVisitor(FIXTURE_VISITOR);
}

export interface TestServerOptions {
  llm?: Llm;
  tts?: Tts;
  stt?: Stt;
  sttText?: string;
  assets?: Map<string, WebAsset>;
  timeouts?: Partial<SessionTimeouts>;
  maxConversationMs?: number;
  server?: Partial<Omit<MirrorServerOptions, "session" | "metrics" | "assets">>;
  /** consent text, retention, kiosk idle time */
  session?: Pick<VisitSessionOptions, "consent" | "retention" | "kioskIdleMs">;
}

export interface TestServer {
  server: RunningServer;
  metrics: MetricsObserver;
  providers: Providers;
  logs: string[];
  close(): Promise<void>;
}

/**
 * A real HTTP + WebSocket server on 127.0.0.1 port 0 with the real VAD (the voice-sample check needs it) and fast
 * scripted stages: for the robustness, security and privacy suites, which test the server, not the models.
 */
export async function startTestServer(o: TestServerOptions = {}): Promise<TestServer> {
  const logs: string[] = [];
  const log = (line: string) => logs.push(line);
  const providers: Providers = {
    vad: createEnergyVad(),
    stt: o.stt ?? new FakeStt(o.sttText ?? "hello mirror", 5),
    llm: o.llm ?? new FakeLlm(undefined, 1),
    tts: o.tts ?? new FakeTts(0),
    lipsync: new FakeLipsync(),
  };
  const metrics = new MetricsObserver({ log });
  const server = await startServer({
    host: "127.0.0.1",
    port: 0,
    assets: o.assets ?? new Map([["/", { contentType: "text/html", body: new TextEncoder().encode("<main id=app></main>") }]]),
    metrics,
    log,
    ...o.server,
    session: {
      providers,
      plan: createDialoguePlan(undefined, o.maxConversationMs),
      clock: systemClock,
      random: Math.random,
      observers: [metrics],
      language: "en",
      ...(o.timeouts ? { timeouts: o.timeouts } : {}),
      ...o.session,
    },
  });
  return { server, metrics, providers, logs, close: () => server.close() };
}

export function readFixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURE_VISITOR, name)));
}
