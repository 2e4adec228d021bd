import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = join(import.meta.dirname, "..");

interface Fig {
  key: string;
  values: number[];
  stats: { p50: number; p95: number; max: number } | null;
}
let out = "";
let stdout = "";
let report: { profiles: Array<{ name: string; figures: Fig[]; fps: Array<{ points: unknown[] }> }>; concurrency: { steps: unknown[]; maxVisitsWithoutUnderrun: number } | null };

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), "mirror-bench-"));
  const r = await run(join(root, "node_modules/.bin/mirror"), ["bench", "--quick", "--out", out], { cwd: root, timeout: 400_000 });
  stdout = r.stdout;
  report = JSON.parse(readFileSync(join(out, "bench.json"), "utf8"));
}, 420_000);

afterAll(() => rmSync(out, { recursive: true, force: true }));

// Quick mode checks that every figure is produced and drawn, never how fast it was (CI timing is noise).
describe("mirror bench --quick", () => {
  it("measures every stage, the browser, clone time and concurrency for the embedded profile", () => {
    const embedded = report.profiles.find((p) => p.name === "embedded");
    expect(embedded).toBeDefined();
    const has = (key: string) => {
      const f = embedded!.figures.find((x) => x.key === key);
      expect(f, key).toBeDefined();
      expect(f!.values.length, key).toBeGreaterThan(0);
      expect(f!.values.every(Number.isFinite), key).toBe(true);
      return f!;
    };
    for (const k of ["sttFinal", "llmFirstToken", "firstSentence", "ttsFirstAudio", "firstLipFrame", "cloneMs", "fps512", "browser.playbackStart", "browser.firstLipMotion", "cpuPerVisit"]) has(k);
    expect(has("fps512").stats!.p50).toBeGreaterThan(0);
    expect(report.concurrency?.steps.length).toBeGreaterThan(0);
    expect(stdout).toContain("concurrent visits without underrun");
  });

  it("writes a self-contained HTML report with every plot and the thresholds drawn", () => {
    const html = readFileSync(join(out, "bench.html"), "utf8");
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    expect((html.match(/<svg/g) ?? []).length).toBeGreaterThanOrEqual(4);
    for (const label of ["Latency per stage", "waterfall", "A/V offset", "Render fps", "200 ms human turn gap", "ITU-T G.114", "ATSC IS-191"]) expect(html).toContain(label);
  });
});
