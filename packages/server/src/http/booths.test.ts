/** Several booths on one Mirror: one visit per booth, isolated, kept across a network blip, ended after the grace. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import type { ServerMessage } from "@mirror/protocol";
import { loadConfig } from "../config/config.js";
import { buildProviders, closeProviders } from "../config/providers.js";
import { systemClock } from "../core/clock.js";
import { MetricsObserver } from "../observers/metrics.js";
import { createDialoguePlan } from "../script/plan.js";
import type { Providers } from "../session/visit-session.js";
import { BoothRegistry, BoothsConfig, REPLACED_CLOSE_CODE } from "./booths.js";
import { startServer, type RunningServer } from "./server.js";

const GRACE_MS = 1_500;
let server: RunningServer;
let providers: Providers;
let booths: BoothRegistry;

beforeAll(async () => {
  providers = buildProviders(loadConfig({ env: {} }));
  booths = new BoothRegistry(BoothsConfig.parse({ list: [{ id: "b1", language: "nl" }, { id: "b2" }, { id: "b3" }, { id: "b4", conversationMs: 120_000, display: { orientation: "landscape", width: 1280 } }, { id: "b5" }], reconnectGraceMs: GRACE_MS }));
  const metrics = new MetricsObserver();
  server = await startServer({
    host: "127.0.0.1",
    port: 0,
    assets: new Map(),
    metrics,
    booths,
    session: { providers, plan: createDialoguePlan(), clock: systemClock, random: Math.random, observers: [metrics], language: "en" },
  });
});
afterAll(async () => {
  await server?.close();
  if (providers) await closeProviders(providers);
});

interface Kiosk {
  ws: WebSocket;
  messages: ServerMessage[];
  next(type: ServerMessage["type"]): Promise<ServerMessage>;
  closed: Promise<number>;
}

async function kiosk(booth: string): Promise<Kiosk> {
  const ws = new WebSocket(`${server.url.replace("http", "ws")}/ws?booth=${booth}`);
  const messages: ServerMessage[] = [];
  const waiters: Array<() => void> = [];
  ws.on("message", (data, binary) => {
    if (binary) return;
    messages.push(JSON.parse(data.toString()) as ServerMessage);
    for (const w of waiters.splice(0)) w();
  });
  const closed = new Promise<number>((r) => ws.on("close", (code) => r(code)));
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  const next = async (type: ServerMessage["type"]): Promise<ServerMessage> => {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const found = messages.find((m) => m.type === type);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no ${type} message; got ${messages.map((m) => m.type).join(",")}`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 100);
      });
    }
  };
  return { ws, messages, next, closed };
}

const visitIdOf = (m: ServerMessage) => (m.type === "visit" ? m.visitId : "");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("booths", () => {
  it("tells a booth's kiosk its display and runs the booth's shorter experience; other booths keep the defaults", async () => {
    const short = await kiosk("b4");
    const plain = await kiosk("b5");
    const vs = await short.next("visit");
    const vp = await plain.next("visit");
    expect(vs.type === "visit" && vs.display).toEqual({ orientation: "landscape", width: 1280 });
    expect(vs.type === "visit" && vs.maxConversationMs).toBe(120_000);
    expect(vp.type === "visit" && vp.display).toBeUndefined();
    expect(vp.type === "visit" && vp.maxConversationMs).toBe(300_000);
    short.ws.close();
    plain.ws.close();
    await Promise.all([short.closed, plain.closed]);
  });

  it("rejects a booth display that is no screen", () => {
    expect(BoothsConfig.safeParse({ list: [{ id: "x", display: { orientation: "diagonal" } }] }).success).toBe(false);
    expect(BoothsConfig.safeParse({ list: [{ id: "x", conversationMs: 10 * 60_000 }] }).success).toBe(false);
  });

  it("gives each booth its own visit, in the booth's language", async () => {
    const a = await kiosk("b1");
    const b = await kiosk("b2");
    const va = await a.next("visit");
    const vb = await b.next("visit");
    expect(visitIdOf(va)).not.toBe(visitIdOf(vb));
    expect(va.type === "visit" && va.language).toBe("nl");
    a.ws.close();
    b.ws.close();
  });

  it("a booth's browser that drops off and comes back within the grace gets its running visit back", async () => {
    const first = await kiosk("b3");
    const visitId = visitIdOf(await first.next("visit"));
    first.ws.send(JSON.stringify({ type: "hello", booth: "b3" }));
    first.ws.send(JSON.stringify({ type: "consent", accepted: true }));
    expect(await first.next("phase")).toEqual({ type: "phase", phase: "capture" });
    first.ws.terminate(); // the network blips
    await first.closed;
    await sleep(200);
    expect(booths.status().find((s) => s.id === "b3")).toMatchObject({ connected: false, visitId, phase: "capture" });

    const again = await kiosk("b3");
    expect(await again.next("phase")).toEqual({ type: "phase", phase: "capture" });
    expect(again.messages.some((m) => m.type === "visit")).toBe(false); // same visit, not a new one
    expect(booths.status().find((s) => s.id === "b3")).toMatchObject({ connected: true, visitId });

    // a second browser takes the booth over; the first is told why it was closed
    const takeover = await kiosk("b3");
    expect(await again.closed).toBe(REPLACED_CLOSE_CODE);
    takeover.ws.close();
    await takeover.closed;
    await sleep(GRACE_MS + 500); // gone past the grace: the visit ends and is purged
    expect(booths.status().find((s) => s.id === "b3")?.visitId).toBeNull();
    const later = await kiosk("b3");
    expect(visitIdOf(await later.next("visit"))).not.toBe(visitId);
    later.ws.close();
  });

  it("refuses a booth that is not set up when booths are listed", async () => {
    const k = await kiosk("nope");
    expect(await k.closed).toBe(4004);
    expect(k.messages[0]).toMatchObject({ type: "error", code: "unknown-booth" });
    expect(booths.lookup("../etc")).toBeNull();
  });
});
