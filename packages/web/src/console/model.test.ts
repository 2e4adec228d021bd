import { describe, expect, it } from "vitest";
import { ConsoleModel } from "./model.js";
import { percentile } from "./stats.js";

describe("operator console model", () => {
  it("p50 is the median by nearest rank, null when empty", () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([300, 100, 200], 50)).toBe(200);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 95)).toBe(4);
  });

  it("keeps one row per turn (a later event updates it) and counts turns per visit", () => {
    const m = new ConsoleModel();
    m.apply({ type: "visit", visitId: "v1", phase: "conversation", at: "2026-01-01T10:00:00Z" });
    m.apply({ type: "turn", visitId: "v1", turnId: 1, interrupted: false, timings: { sttFinal: 100 } });
    m.apply({ type: "turn", visitId: "v1", turnId: 1, interrupted: false, timings: { sttFinal: 100, playbackStart: 900 } });
    m.apply({ type: "turn", visitId: "v1", turnId: 2, interrupted: true, timings: { sttFinal: 300, bargeInStop: 40 } });
    expect(m.turns.size).toBe(2);
    expect(m.visits.get("v1")).toMatchObject({ turns: 2, interrupted: 1 });
    expect(m.column("sttFinal")).toEqual([100, 300]);
    expect(m.column("playbackStart")).toEqual([900]);
  });

  it("shows a visit's clone time and voice similarity (scores only)", () => {
    const m = new ConsoleModel();
    m.apply({ type: "visit", visitId: "v1", phase: "clone", at: "2026-01-01T10:00:00Z" });
    m.apply({ type: "voice", visitId: "v1", cloneMs: 321.4, similarity: { base: 0.312, converted: 0.587 } });
    expect(m.visits.get("v1")?.voice).toBe("321 ms · 0.31 → 0.59");
    m.apply({ type: "voice", visitId: "v2", cloneMs: 80, similarity: null });
    expect(m.visits.get("v2")?.voice).toBe("80 ms");
  });
});

describe("operator console model: live state", () => {
  it("keeps the latest system sample and lists only visits that are not purged", () => {
    const m = new ConsoleModel();
    m.apply({ type: "visit", visitId: "v1", phase: "conversation", at: "2026-01-01T10:00:00Z" });
    m.apply({ type: "visit", visitId: "v2", phase: "capture", at: "2026-01-01T10:00:01Z" });
    m.apply({ type: "visit", visitId: "v1", phase: "purge", at: "2026-01-01T10:05:00Z" });
    expect(m.openVisits().map((v) => v.visitId)).toEqual(["v2"]);
    const stats = { cpuPercent: 12, loadAverage1m: 1, cores: 2, rssBytes: 1e8, heapUsedBytes: 5e7, heapTotalBytes: 6e7, externalBytes: 1e6, arrayBuffersBytes: 1e6, openFds: 30, eventLoopLagP99Ms: 12, eventLoopLagMaxMs: 20, uptimeS: 5 };
    m.apply({ type: "system", at: "2026-01-01T10:05:01Z", paused: true, openVisits: 1, stats });
    expect(m.system).toMatchObject({ paused: true, openVisits: 1, stats: { rssBytes: 1e8 } });
  });
});
