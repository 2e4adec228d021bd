import type { LoadResult } from "./load.js";
import { seriesPlot } from "./svg.js";

const cell = (x: number | null) => (x === null ? "–" : String(x));

/** p50/p95 end of speech → first audio, per booth count (rows) and GPU endpoint count (columns), as Markdown. */
export function loadTableMarkdown(r: LoadResult): string {
  const eps = r.options.endpointCounts;
  const head = `| booths | ${eps.map((e) => `${e} GPU p50 / p95 (ms)`).join(" | ")} |`;
  const rule = `|---:|${eps.map(() => "---:").join("|")}|`;
  const rows = r.options.boothCounts.map((b) => {
    const cols = eps.map((e) => {
      const c = r.cells.find((x) => x.booths === b && x.endpoints === e);
      if (!c) return "–";
      return `${cell(c.p50)} / ${cell(c.p95)}${c.failed ? ` (${c.failed} failed)` : ""}`;
    });
    return `| ${b} | ${cols.join(" | ")} |`;
  });
  const sizing = r.sizing.map((s) => `| ${s.endpoints} | ${s.boothsWithinTarget} | ${s.knee ?? "not reached"} |`);
  return [
    head,
    rule,
    ...rows,
    "",
    `| GPU endpoints | booths with p95 ≤ ${r.options.targetP95Ms} ms | knee (p95 > 2 × one booth's) |`,
    "|---:|---:|---:|",
    ...sizing,
  ].join("\n");
}

export function loadPlotSvg(r: LoadResult): string {
  return seriesPlot(
    r.options.boothCounts,
    r.options.endpointCounts.map((e) => ({
      label: `${e} GPU${e > 1 ? "s" : ""} (p95)`,
      values: r.options.boothCounts.map((b) => r.cells.find((c) => c.booths === b && c.endpoints === e)?.p95 ?? null),
    })),
    { title: "End of speech → first audio, p95, by booths on one Mirror", xLabel: "booths (simultaneous visits)", unit: "ms", target: { at: r.options.targetP95Ms, label: `target ${r.options.targetP95Ms} ms` } },
  );
}

/** The load test as a section of the bench report (self-contained HTML, no scripts). */
export function loadSectionHtml(r: LoadResult): string {
  const o = r.options;
  const rows = o.boothCounts
    .map((b) => `<tr><td>${b}</td>${o.endpointCounts.map((e) => {
      const c = r.cells.find((x) => x.booths === b && x.endpoints === e);
      return `<td>${c ? `${cell(c.p50)} / ${cell(c.p95)}${c.failed ? ` (${c.failed} failed)` : ""}` : "–"}</td>`;
    }).join("")}</tr>`)
    .join("");
  return `<section><h2>Load: booths × GPU endpoints</h2>
<p>Simulated booths against fakes of F5 GPU servers (one generation at a time per GPU, ${o.gpu.firstAudioMs} ms to first audio, real-time factor ${o.gpu.rtf}), through Mirror's F5 sidecar client and endpoint pool; LLM modelled as ${o.llmFirstSentenceMs} ms to its first sentence; ${o.sentencesPerReply} sentences per reply; ${o.turnsPerBooth} turns per booth; time scale ${o.timeScale}${o.background ? `; other work holds ${Math.round(o.background * 100)}% of each GPU` : ""}.</p>
<table><tr><th>booths</th>${o.endpointCounts.map((e) => `<th>${e} GPU p50 / p95 (ms)</th>`).join("")}</tr>${rows}</table>
<table><tr><th>GPU endpoints</th><th>booths with p95 ≤ ${o.targetP95Ms} ms</th><th>knee</th></tr>${r.sizing.map((s) => `<tr><td>${s.endpoints}</td><td>${s.boothsWithinTarget}</td><td>${s.knee ?? "not reached"}</td></tr>`).join("")}</table>
<figure>${loadPlotSvg(r)}</figure></section>`;
}

export function loadReportHtml(r: LoadResult): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Mirror load test</title>
<style>body{font-family:sans-serif;margin:24px;max-width:1100px;color:#222}table{border-collapse:collapse;margin:12px 0}td,th{border:1px solid #ccc;padding:3px 8px;font-size:13px;text-align:right}</style></head>
<body><h1>Mirror load test</h1><p>${r.createdAt}</p>${loadSectionHtml(r)}</body></html>`;
}
