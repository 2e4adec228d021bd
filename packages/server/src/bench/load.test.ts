/**
 * The load test in miniature (CI): booths queue for a simulated GPU, more GPUs take the queue away, and the
 * table, plot and sizing come out of the cells. Full runs: `mirror bench load` (docs/deploy.md).
 */
import { describe, expect, it } from "vitest";
import { fixtureVoiceSample } from "../testing/contracts/tts.contract.js";
import { runLoadTest, sizing, type LoadCell, type LoadOptions } from "./load.js";
import { loadPlotSvg, loadTableMarkdown } from "./load-report.js";

const GPU = { slots: 1, firstAudioMs: 900, rtf: 0.05 };

describe("load test", () => {
  it("three booths talking at once on one GPU queue for it; the table and plot show each cell", async () => {
    const o: LoadOptions = {
      boothCounts: [1, 3],
      endpointCounts: [1],
      turnsPerBooth: 1,
      timeScale: 0.05,
      gpu: GPU,
      llmFirstSentenceMs: 450,
      visitorTalkMs: [0, 0], // every booth's visitor stops talking in the same instant
      sentencesPerReply: 2,
      targetP95Ms: 2_000,
      sample: fixtureVoiceSample(),
    };
    const r = await runLoadTest(o);
    const [one, three] = r.cells;
    expect(one).toMatchObject({ booths: 1, endpoints: 1, n: 1, failed: 0 });
    expect(three).toMatchObject({ booths: 3, endpoints: 1, n: 3, failed: 0 });
    // one GPU, one generation at a time: the last of three first sentences waits for the two before it
    expect(one?.p50 ?? 0).toBeGreaterThanOrEqual(450 + 900 - 50);
    expect(three?.max ?? 0).toBeGreaterThanOrEqual(450 + 3 * 900 - 50);
    const md = loadTableMarkdown(r);
    expect(md).toContain(`| 3 | ${three?.p50} / ${three?.p95} |`);
    expect(loadPlotSvg(r)).toMatch(/^<svg[^]*<polyline[^]*1 GPU \(p95\)/);
  }, 60_000);

  it("sizing: booths within the target and the knee per GPU count", () => {
    const c = (booths: number, endpoints: number, p95: number): LoadCell => ({ booths, endpoints, n: 10, p50: p95 / 2, p95, max: p95, failed: 0, wallSeconds: 1 });
    const cells = [c(1, 1, 1400), c(2, 1, 1900), c(4, 1, 3100), c(8, 1, 9000), c(1, 2, 1400), c(2, 2, 1450), c(4, 2, 1950), c(8, 2, 4000)];
    expect(sizing(cells, { endpointCounts: [1, 2], targetP95Ms: 2_000 })).toEqual([
      { endpoints: 1, boothsWithinTarget: 2, knee: 4 },
      { endpoints: 2, boothsWithinTarget: 4, knee: 8 },
    ]);
  });
});
