import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { runSoak } from "../bench/soak.js";

export const SOAK_USAGE = `  mirror soak [--visits 500] [--concurrency 1] [--speed 20] [--turns 1] [--minutes M] [--out soak.json]
      visits back to back over the WebSocket (scripted stages, real VAD and session): heap after GC, RSS, fds,
      temp files, event-loop lag; --minutes 30 --concurrency 4 --speed 1 is the real-time soak`;

/** `mirror soak`: prints one line per sample and writes the whole report as JSON. */
export async function soakCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      visits: { type: "string", default: "500" },
      concurrency: { type: "string", default: "1" },
      speed: { type: "string", default: "20" },
      turns: { type: "string", default: "1" },
      minutes: { type: "string" },
      out: { type: "string", default: "out/soak.json" },
    },
  });
  const minutes = values.minutes ? Number(values.minutes) : undefined;
  const report = await runSoak({
    visits: Number(values.visits),
    ...(minutes ? { minutes } : {}),
    concurrency: Number(values.concurrency),
    speed: Number(values.speed),
    turns: Number(values.turns),
    sampleEvery: minutes ? 30_000 : 50,
    onSample: (s) =>
      console.log(
        `[soak] ${String(s.visits).padStart(4)} visits ${String(s.atS).padStart(7)} s  heap ${s.heapUsedMb} MB  rss ${s.rssMb} MB  fds ${s.openFds}  temp ${s.tempFiles}  lag p99 ${s.eventLoopLagP99Ms} ms  open ${s.openSessions}`,
      ),
  });
  const out = resolve(values.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(report, null, 2));
  console.log(
    `[soak] ${report.visits} visits in ${report.durationS} s, ${report.failures} failed, ${report.unverifiedPurges} purges unverified; heap after 20 visits ${report.heapAfterFirst20Mb} MB, after the last ${report.heapAfterLastMb} MB (${report.heapGrowthPct} %) → ${out}`,
  );
  if (report.failures > 0 || report.unverifiedPurges > 0 || (report.heapGrowthPct ?? 0) > 10) process.exitCode = 1;
}
