import { resolve, join } from "node:path";
import { parseArgs } from "node:util";
import { readFileSync } from "node:fs";
import { BenchProfile, loadProfiles, runBench } from "../bench/run.js";
import { loadCommand } from "./load-command.js";

const repoRoot = resolve(import.meta.dirname, "../../../..");

function bar(done: number, total: number, label: string): void {
  const width = 28;
  const filled = Math.round((width * done) / Math.max(1, total));
  const line = `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total} ${label}`;
  if (process.stderr.isTTY) process.stderr.write(`\r${line.padEnd(100)}${done === total ? "\n" : ""}`);
  else process.stderr.write(`${line}\n`);
}

/** mirror bench [--config file] [--visitors dir] [--runs N] [--out dir] [--quick] [--no-browser] */
export async function benchCommand(args: string[]): Promise<void> {
  if (args[0] === "load") return loadCommand(args.slice(1));
  const { values } = parseArgs({
    args,
    options: {
      config: { type: "string" },
      visitors: { type: "string", multiple: true },
      runs: { type: "string" },
      out: { type: "string" },
      quick: { type: "boolean", default: false },
      "no-browser": { type: "boolean", default: false },
      profiles: { type: "string" },
    },
  });
  const quick = values.quick ?? false;
  let profiles = loadProfiles(values.profiles ? resolve(values.profiles) : join(repoRoot, "bench/profiles"));
  if (values.config) {
    const config = JSON.parse(readFileSync(resolve(values.config), "utf8")) as Record<string, unknown>;
    profiles = [BenchProfile.parse({ name: "config", description: `Your configuration (${values.config}).`, config })];
  }
  if (profiles.length === 0) throw new Error("no benchmark profiles found");
  const out = resolve(values.out ?? "bench/out");
  const report = await runBench({
    profiles,
    visitorDirs: (values.visitors ?? [join(repoRoot, "fixtures/visitor-1")]).map((d) => resolve(d)),
    runs: Number(values.runs ?? (quick ? 1 : 2)),
    out,
    quick,
    browser: !values["no-browser"],
    concurrencyLevels: quick ? [2] : [1, 4, 8],
    progress: bar,
  });
  for (const p of report.profiles) {
    console.log(`\n${p.name}`);
    for (const f of p.figures) {
      if (!f.stats) continue;
      console.log(`  ${f.label.padEnd(56)} p50 ${f.stats.p50.toFixed(1).padStart(8)}  p95 ${f.stats.p95.toFixed(1).padStart(8)}  max ${f.stats.max.toFixed(1).padStart(8)} ${f.unit}`);
    }
  }
  if (report.concurrency) console.log(`\nconcurrent visits without underrun: ${report.concurrency.maxVisitsWithoutUnderrun}`);
  console.log(`\nwrote ${join(out, "bench.json")} and ${join(out, "bench.html")}`);
}
