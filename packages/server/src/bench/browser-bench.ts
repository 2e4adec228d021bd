import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildWebAssets } from "@mirror/web";
import type { Clock } from "../core/clock.js";
import { startServer } from "../http/server.js";
import { MetricsObserver, type TurnRecord } from "../observers/metrics.js";
import type { ExperiencePlan } from "../script/plan.js";
import type { Providers } from "../session/visit-session.js";
import { launchKioskBrowser, writeFakeMic, type KioskStats } from "../testing/browser.js";
import { drawFaces, encodeY4m } from "../../../../scripts/lib/face-image.js";

export interface BrowserRun {
  size: number;
  turns: TurnRecord[];
  fps: Array<{ t: number; v: number }>;
  stats: KioskStats | null;
  /** the kiosk's own A/V meter: voice onset on the audio clock vs the first frame drawn with the lips apart (ms, + = lips late) */
  avOffsetsMs: number[];
  error: string | null;
}

/**
 * A visit in the real kiosk page (headless Chromium, fake camera and mic), measuring what the browser actually
 * played and rendered: playback start, first lip motion, barge-in, fps over time.
 */
export async function browserBench(o: { providers: Providers; plan: ExperiencePlan; clock: Clock; speechWav: string; size: number; seconds: number }): Promise<BrowserRun> {
  const dir = mkdtempSync(join(tmpdir(), "mirror-bench-browser-"));
  const video = join(dir, "face.y4m");
  const audio = join(dir, "mic.wav");
  // a face the size a visitor standing at the kiosk shows the camera (as in e2e/kiosk.test.ts)
  writeFileSync(video, encodeY4m(drawFaces(640, 480, [{ cx: 320, cy: 240, width: 384 }]), 10, 10));
  writeFakeMic(audio, o.speechWav, 3.5);
  const metrics = new MetricsObserver();
  const server = await startServer({
    host: "127.0.0.1",
    port: 0,
    assets: await buildWebAssets(),
    metrics,
    session: { providers: o.providers, plan: o.plan, clock: o.clock, random: Math.random, observers: [metrics], language: "en" },
  });
  const browser = await launchKioskBrowser({ video, audio, dir });
  const run: BrowserRun = { size: o.size, turns: [], fps: [], stats: null, avOffsetsMs: [], error: null };
  try {
    const page = await browser.newPage({ viewport: { width: 900, height: 1000 } });
    const stats = () => page.evaluate(() => (globalThis as unknown as { __mirror: KioskStats }).__mirror);
    await page.goto(`${server.url}/?autostart=1&size=${o.size}`);
    await page.getByTestId("start").click();
    await page.getByTestId("consent-accept").click();
    await page.getByTestId("photo-take").click({ timeout: 20_000 });
    await page.waitForFunction(() => (globalThis as unknown as { __mirror: KioskStats }).__mirror?.phase === "conversation", null, { timeout: 60_000 });
    const t0 = Date.now();
    while (Date.now() - t0 < o.seconds * 1000) {
      await page.waitForTimeout(500);
      const s = await stats();
      run.fps.push({ t: (Date.now() - t0) / 1000, v: s.fps });
    }
    run.stats = { ...(await stats()) };
    run.avOffsetsMs = await page.evaluate(() => [...((globalThis as unknown as { mirrorStats?: { avOffsetsMs: number[] } }).mirrorStats?.avOffsetsMs ?? [])]);
    await page.getByTestId("end-visit").click();
    await page.waitForTimeout(500);
  } catch (err) {
    run.error = (err as Error).message;
    if (process.env.MIRROR_BENCH_DEBUG) await browser.contexts()[0]?.pages()[0]?.screenshot({ path: join(process.env.MIRROR_BENCH_DEBUG, `fail-${o.size}.png`) });
  } finally {
    run.turns = metrics.turns.map((t) => ({ ...t, timings: { ...t.timings } }));
    await browser.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return run;
}
