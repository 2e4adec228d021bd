/** A booth's kiosk (headless Chromium at `/?booth=b1`) loses its WebSocket mid-visit and gets the same visit back. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWebAssets } from "@mirror/web";
import { loadConfig } from "../packages/server/src/config/config.js";
import { buildProviders, closeProviders } from "../packages/server/src/config/providers.js";
import { systemClock } from "../packages/server/src/core/clock.js";
import { BoothRegistry, BoothsConfig } from "../packages/server/src/http/booths.js";
import { startServer, type RunningServer } from "../packages/server/src/http/server.js";
import { MetricsObserver } from "../packages/server/src/observers/metrics.js";
import { createDialoguePlan } from "../packages/server/src/script/plan.js";
import type { Providers } from "../packages/server/src/session/visit-session.js";
import { launchKioskBrowser, writeFakeMic } from "../packages/server/src/testing/browser.js";
import { drawFaces, encodeY4m } from "../scripts/lib/face-image.js";

const root = join(import.meta.dirname, "..");

interface KioskView {
  visitId: string | null;
  serverPhase: string | null;
  connected: boolean;
}

let tmp = "";
let server: RunningServer;
let providers: Providers;
let browser: Browser;
let page: Page;
const booths = new BoothRegistry(BoothsConfig.parse({ list: [{ id: "b1" }], reconnectGraceMs: 15_000 }));
const visitsSeen = new Set<string>();

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "mirror-booth-"));
  const video = join(tmp, "face.y4m");
  const audio = join(tmp, "mic.wav");
  writeFileSync(video, encodeY4m(drawFaces(640, 480, [{ cx: 320, cy: 240, width: 384 }]), 10, 10));
  writeFakeMic(audio, join(root, "fixtures/visitor-1/sample.wav"), 3);
  providers = buildProviders(loadConfig({ env: {} }));
  const metrics = new MetricsObserver();
  metrics.subscribe((ev) => {
    if (ev.type === "visit") visitsSeen.add(ev.visitId);
  });
  server = await startServer({
    host: "127.0.0.1",
    port: 0,
    assets: await buildWebAssets(),
    metrics,
    booths,
    session: { providers, plan: createDialoguePlan(), clock: systemClock, random: Math.random, observers: [metrics], language: "en" },
  });
  browser = await launchKioskBrowser({ video, audio, dir: tmp });
  page = await browser.newPage({ viewport: { width: 800, height: 1000 } });
  // keep the page's sockets reachable, so the test can drop the live one like a network blip would
  await page.addInitScript(() => {
    const w = globalThis as unknown as { WebSocket: typeof WebSocket; __sockets: WebSocket[] };
    const Native = w.WebSocket;
    w.__sockets = [];
    w.WebSocket = class extends Native {
      constructor(...args: ConstructorParameters<typeof WebSocket>) {
        super(...args);
        w.__sockets.push(this);
      }
    };
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (providers) await closeProviders(providers);
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const kiosk = async (): Promise<KioskView> => (await page.evaluate("({ ...window.__mirror })")) as KioskView;

describe("booth kiosk in a browser", () => {
  it("reconnects to its running visit after the WebSocket drops", async () => {
    await page.goto(`${server.url}/?booth=b1&size=256`);
    await page.getByTestId("start").click();
    await page.getByTestId("consent-accept").click();
    await page.waitForFunction(() => (globalThis as unknown as { __mirror?: KioskView }).__mirror?.serverPhase === "capture", null, { timeout: 15_000 });
    const before = await kiosk();
    expect(before.visitId).toBeTruthy();
    expect(booths.status()[0]).toMatchObject({ connected: true, visitId: before.visitId, phase: "capture" });

    await page.evaluate("window.__sockets.at(-1).close()");
    await page.waitForFunction(() => (globalThis as unknown as { __mirror: KioskView }).__mirror.connected === false, null, { timeout: 5_000 });
    await page.waitForFunction(() => (globalThis as unknown as { __mirror: KioskView; __sockets: unknown[] }).__mirror.connected && (globalThis as unknown as { __sockets: unknown[] }).__sockets.length >= 2, null, { timeout: 10_000 });

    const after = await kiosk();
    expect(after.visitId).toBe(before.visitId);
    expect(after.serverPhase).toBe("capture");
    expect(booths.status()[0]).toMatchObject({ connected: true, visitId: before.visitId, phase: "capture" });
    // one visit through the blip, not a fresh one on reconnect
    expect([...visitsSeen]).toEqual([before.visitId]);
  }, 40_000);
});
