import { seededRandom } from "../core/clock.js";
import type { ReplayOptions, ReplayResult } from "../demo/replay.js";
import { replayVisit } from "../demo/replay.js";
import type { RecordedVisitor } from "../demo/visitor.js";
import { percentiles } from "../observers/metrics.js";

export interface ConcurrencyStep {
  visits: number;
  underruns: number;
  underrunMs: number;
  ttsFirstAudioP50: number | null;
  /** CPU time of this process per wall second, per visit (1.0 = one core) */
  cpuPerVisit: number;
  rssMbPerVisit: number;
  failedVisits: number;
}

export interface ConcurrencyResult {
  steps: ConcurrencyStep[];
  /** the most visits at once that ran with no audio underrun and every visit answered */
  maxVisitsWithoutUnderrun: number;
}

/** Runs 1, 2, 4, … visits at once through one server's providers until the speaker starves or visits fail. */
export async function measureConcurrency(visitor: RecordedVisitor, base: Omit<ReplayOptions, "random">, levels: readonly number[], onProgress?: (s: string) => void): Promise<ConcurrencyResult> {
  const steps: ConcurrencyStep[] = [];
  let best = 0;
  for (const k of levels) {
    onProgress?.(`concurrency: ${k} visit(s) at once`);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const rss0 = process.memoryUsage().rss;
    let rssMax = rss0;
    const sampler = setInterval(() => (rssMax = Math.max(rssMax, process.memoryUsage().rss)), 250);
    const settled = await Promise.allSettled(
      Array.from({ length: k }, (_, i) => replayVisit(visitor, { ...base, random: seededRandom(i + 1) })),
    );
    clearInterval(sampler);
    const wallS = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const results = settled.filter((s): s is PromiseFulfilledResult<ReplayResult> => s.status === "fulfilled").map((s) => s.value);
    const played = results.flatMap((r) => [...(r.greeting ? [r.greeting] : []), ...r.turns]).flatMap((t) => (t.played ? [t.played] : []));
    const failed = settled.length - results.length + results.filter((r) => r.turns.length < visitor.turns.length).length;
    const step: ConcurrencyStep = {
      visits: k,
      underruns: played.reduce((n, p) => n + p.underruns, 0),
      underrunMs: Math.round(played.reduce((n, p) => n + p.underrunMs, 0)),
      ttsFirstAudioP50: percentiles(results.flatMap((r) => r.turns.map((t) => t.timings.ttsFirstAudio).filter((x): x is number => x !== undefined)))?.p50 ?? null,
      cpuPerVisit: Math.round(((cpu.user + cpu.system) / 1e6 / wallS / k) * 1000) / 1000,
      rssMbPerVisit: Math.round(((rssMax - rss0) / 1024 / 1024 / k) * 10) / 10,
      failedVisits: failed,
    };
    steps.push(step);
    if (step.underruns > 0 || step.failedVisits > 0) break;
    best = k;
  }
  return { steps, maxVisitsWithoutUnderrun: best };
}
