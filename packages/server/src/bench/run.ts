import { readdirSync, readFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { basename, join } from "node:path";
import { z } from "zod";
import { loadConfig } from "../config/config.js";
import { buildProviders, closeProviders, warmup } from "../config/providers.js";
import { seededRandom, systemClock } from "../core/clock.js";
import { replayVisit, type ReplayResult } from "../demo/replay.js";
import { loadVisitor, type RecordedVisitor } from "../demo/visitor.js";
import type { TurnRecord } from "../observers/metrics.js";
import { createDialoguePlan } from "../script/plan.js";
import { browserBench } from "./browser-bench.js";
import { measureConcurrency } from "./concurrency.js";
import { mergeConfig, ProfileFakes, startProfileFakes } from "./profile-fakes.js";
import { cloneFigure, figure, similarityFigures, timingFigures, waterfall } from "./figures.js";
import { renderBenchHtml, type BenchReport, type ProfileReport } from "./html.js";

export const BenchProfile = z.object({
  name: z.string(),
  description: z.string(),
  /** a Mirror config (same schema as `mirror start --config`) */
  config: z.record(z.string(), z.unknown()).default({}),
  /** what the profile's fakes add on purpose, reported beside the figures */
  injectedDelays: z.record(z.string(), z.string()).default({}),
  /** local fakes of external services to start for this profile */
  fakes: ProfileFakes,
});
export type BenchProfile = z.infer<typeof BenchProfile>;

export interface BenchOptions {
  profiles: BenchProfile[];
  visitorDirs: string[];
  runs: number;
  out: string;
  quick: boolean;
  browser: boolean;
  concurrencyLevels: number[];
  progress?: (done: number, total: number, step: string) => void;
}

export function loadProfiles(dir: string): BenchProfile[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => BenchProfile.parse(JSON.parse(readFileSync(join(dir, f), "utf8"))));
}

/** Runs recorded visitors through the real pipeline per profile, then the browser and concurrency measurements. */
export async function runBench(o: BenchOptions): Promise<BenchReport> {
  const visitors: RecordedVisitor[] = o.visitorDirs.map((d) => loadVisitor(d));
  const speed = o.quick ? 3 : 1;
  const sizes = o.quick ? [512] : [512, 1024];
  // quick mode measures the browser once (first profile); a full run also measures each other profile at 512²
  const browserRuns = o.browser ? sizes.length + (o.quick ? 0 : o.profiles.length - 1) : 0;
  const total = o.profiles.length * o.runs * visitors.length + browserRuns + (o.concurrencyLevels.length ? 1 : 0);
  let done = 0;
  const step = (s: string) => o.progress?.(done++, total, s);
  const plan = createDialoguePlan();
  const reports: ProfileReport[] = [];
  let concurrency: BenchReport["concurrency"] = null;

  for (const [pi, profile] of o.profiles.entries()) {
    const fakes = await startProfileFakes(profile.fakes);
    const providers = buildProviders(loadConfig({ env: {}, overrides: mergeConfig(fakes.config, profile.config) }), { env: fakes.env });
    await warmup(providers);
    const results: ReplayResult[] = [];
    for (let run = 0; run < o.runs; run++) {
      for (const v of visitors) {
        step(`${profile.name}: visitor run ${run + 1}/${o.runs}`);
        results.push(await replayVisit(v, { providers, plan, clock: systemClock, random: seededRandom(run + 1), speed }));
      }
    }
    const figures = [...timingFigures(results, "server"), cloneFigure(results), ...similarityFigures(results)];
    const report: ProfileReport = { name: profile.name, description: profile.description, injectedDelays: profile.injectedDelays, figures, waterfall: waterfall(results), avOffsets: [], fps: [] };
    if (o.browser && (pi === 0 || !o.quick)) {
      const browserTurns: TurnRecord[] = [];
      const avOffsets: number[] = [];
      // fps does not depend on the providers: the 1024² run is done once, with the first profile
      for (const size of pi === 0 ? sizes : sizes.slice(0, 1)) {
        step(`${profile.name}: kiosk in Chromium at ${size}²`);
        const speechWav = join(o.visitorDirs[0] ?? "fixtures/visitor-1", "sample.wav");
        const b = await browserBench({ providers, plan, clock: systemClock, speechWav, size, seconds: o.quick ? 10 : 20 });
        report.fps.push({ size, points: b.fps });
        report.figures.push(figure(`fps${size}`, `render fps at ${size}²`, "fps", b.fps.map((p) => p.v).filter((v) => v > 0), "browser"));
        browserTurns.push(...b.turns);
        avOffsets.push(...b.avOffsetsMs);
        if (b.error) report.description += ` (browser run at ${size}²: ${b.error})`;
      }
      const browserFig = (key: "playbackStart" | "firstLipMotion" | "bargeInStop", label: string) =>
        figure(`browser.${key}`, label, "ms", browserTurns.map((t) => t.timings[key]).filter((x): x is number => x !== undefined), "browser (kiosk page)");
      report.figures.push(
        browserFig("playbackStart", "end of speech → playback start (browser)"),
        browserFig("firstLipMotion", "end of speech → first visible lip motion (browser)"),
        browserFig("bargeInStop", "barge-in (browser visit)"),
      );
      report.avOffsets = avOffsets;
      report.figures.push(figure("avOffset", "A/V offset: lips drawn apart − voice onset (browser)", "ms", report.avOffsets, "browser (kiosk A/V meter)"));
    }
    if (pi === 0 && o.concurrencyLevels.length && visitors[0]) {
      step(`${profile.name}: concurrent visits`);
      // always in real time: a speaker starving is only meaningful at the speed people listen
      // quick mode only checks that the figures come out: two turns of the visit are enough for that
      const visitor = o.quick ? { ...visitors[0], turns: visitors[0].turns.slice(0, 2) } : visitors[0];
      const c = await measureConcurrency(visitor, { providers, plan, clock: systemClock, speed: 1 }, o.concurrencyLevels);
      concurrency = { steps: c.steps.map((s) => ({ ...s })), maxVisitsWithoutUnderrun: c.maxVisitsWithoutUnderrun };
      report.figures.push(
        figure("cpuPerVisit", "server CPU per visit (% of one core)", "%", c.steps.slice(0, 1).map((s) => s.cpuPerVisit * 100), "server process"),
        figure("rssPerVisit", "server memory per visit", "MB", c.steps.map((s) => s.rssMbPerVisit), "server process"),
        figure("maxVisits", "concurrent visits without underrun", "visits", [c.maxVisitsWithoutUnderrun], "server, simulated speakers"),
      );
    }
    await closeProviders(providers);
    await fakes.close();
    reports.push(report);
  }
  o.progress?.(total, total, "done");
  const result: BenchReport = {
    createdAt: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model ?? "?", memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version },
    quick: o.quick,
    runs: o.runs,
    profiles: reports,
    concurrency,
    notes: [
      `Visitors: ${o.visitorDirs.map((d) => basename(d)).join(", ")}. Server-side figures replay recorded audio in real time through the same session code as the kiosk; "simulated speaker" figures come from the replay's speaker model, browser figures from the kiosk page in headless Chromium.`,
    ],
  };
  mkdirSync(o.out, { recursive: true });
  writeFileSync(join(o.out, "bench.json"), JSON.stringify(result, null, 2) + "\n");
  writeFileSync(join(o.out, "bench.html"), renderBenchHtml(result));
  return result;
}
