import { describe, expect, it } from "vitest";
import { runSoak } from "./soak.js";

/** The short soak for CI; `mirror soak` runs the 500-visit and the 30-minute ones (docs/operations.md). */
describe("soak (short)", () => {
  it("30 visits back to back, 3 at a time: all greeted and purged, no heap growth, no leftover sessions, fds or temp files", async () => {
    const r = await runSoak({ visits: 30, concurrency: 3, speed: 20, turns: 0, sampleEvery: 10 });
    console.log(`soak: ${r.visits} visits in ${r.durationS} s, heap ${r.heapAfterFirst20Mb} → ${r.heapAfterLastMb} MB (${r.heapGrowthPct} %)`);
    expect(r.visits).toBe(30);
    expect(r.failures).toBe(0);
    expect(r.unverifiedPurges).toBe(0);
    const first = r.samples[0];
    const last = r.samples.at(-1);
    expect(last?.openSessions).toBe(0);
    expect(last?.tempFiles).toBe(first?.tempFiles);
    // a few descriptors come and go with sockets being closed; a leak per visit would show 30+
    expect((last?.openFds ?? 0) - (first?.openFds ?? 0)).toBeLessThan(10);
    // 20 visits are too few for 10 % to be stable against V8's own bookkeeping: allow 10 % or 2 MB
    expect((r.heapAfterLastMb ?? 0) - (r.heapAfterFirst20Mb ?? 0)).toBeLessThan(Math.max(2, (r.heapAfterFirst20Mb ?? 0) * 0.1));
  }, 120_000);
});
