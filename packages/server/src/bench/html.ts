import type { TurnTimings } from "@mirror/protocol";
import type { Figure } from "./figures.js";
import { histogram, linePlot, stripPlot, waterfallPlot, type Threshold } from "./svg.js";

export interface ProfileReport {
  name: string;
  description: string;
  /** delays a fake adds on purpose (the providers' published speed), never Mirror's own */
  injectedDelays: Record<string, string>;
  figures: Figure[];
  waterfall: Array<{ label: string; timings: TurnTimings }>;
  avOffsets: number[];
  fps: Array<{ size: number; points: Array<{ t: number; v: number }> }>;
}

export interface BenchReport {
  createdAt: string;
  machine: { cpus: number; model: string; memoryGb: number; node: string };
  quick: boolean;
  runs: number;
  profiles: ProfileReport[];
  concurrency: { steps: Array<Record<string, number | null>>; maxVisitsWithoutUnderrun: number } | null;
  notes: string[];
}

/** Where users start to notice. */
export const THRESHOLDS = {
  turnGap: { at: 200, label: "200 ms human turn gap" },
  interactive: { at: 150, label: "150 ms (ITU-T G.114)" },
  avWindow: { from: -45, to: 15, label: "A/V sync window −45/+15 ms (ATSC IS-191)" },
  fps: { at: 30, label: "30 fps" },
} as const;

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] ?? c);
const num = (x: number | undefined | null) => (x === undefined || x === null ? "–" : String(Math.round(x * 10) / 10));

function table(profiles: readonly ProfileReport[]): string {
  const keys = [...new Set(profiles.flatMap((p) => p.figures.map((f) => f.key)))];
  const head = `<tr><th>figure</th>${profiles.map((p) => `<th colspan="3">${esc(p.name)}</th>`).join("")}<th>source</th></tr><tr><th></th>${profiles.map(() => "<th>p50</th><th>p95</th><th>max</th>").join("")}<th></th></tr>`;
  const rows = keys.map((k) => {
    const figs = profiles.map((p) => p.figures.find((f) => f.key === k));
    const any = figs.find(Boolean);
    return `<tr><td>${esc(any?.label ?? k)} (${any?.unit ?? ""})</td>${figs.map((f) => `<td>${num(f?.stats?.p50)}</td><td>${num(f?.stats?.p95)}</td><td>${num(f?.stats?.max)}</td>`).join("")}<td>${esc(any?.source ?? "")}</td></tr>`;
  });
  return `<table>${head}${rows.join("")}</table>`;
}

export function renderBenchHtml(r: BenchReport): string {
  const latencyThresholds: Threshold[] = [THRESHOLDS.interactive, THRESHOLDS.turnGap];
  const sections = r.profiles.map((p) => {
    const ms = p.figures.filter((f) => f.unit === "ms");
    const marks = (t: TurnTimings) =>
      (["sttFinal", "llmFirstToken", "firstSentence", "ttsFirstAudio", "firstLipFrame", "playbackStart", "firstLipMotion"] as const)
        .filter((k) => t[k] !== undefined)
        .map((k) => ({ name: k, at: t[k] ?? 0 }));
    const delays = Object.entries(p.injectedDelays);
    return `<section><h2>${esc(p.name)}</h2><p>${esc(p.description)}</p>
${delays.length ? `<p class="delays"><b>Delays injected by fakes (the providers' published speed, not Mirror's):</b> ${delays.map(([k, v]) => `${esc(k)}: ${esc(v)}`).join("; ")}</p>` : ""}
<figure>${stripPlot(ms.map((f) => ({ label: f.label, values: f.values })), { unit: "ms", thresholds: latencyThresholds, title: "Latency per stage (dots: turns; box: p50–p95)" })}</figure>
<figure>${waterfallPlot(p.waterfall.map((w) => ({ label: w.label, marks: marks(w.timings) })), { title: "Per-turn waterfall from the end of the visitor's speech", thresholds: latencyThresholds })}</figure>
<figure>${histogram(p.avOffsets, { title: "A/V offset: lips drawn apart − voice onset on the audio clock (browser; + = lips late)", unit: "ms", window: THRESHOLDS.avWindow, binWidth: 5 })}</figure>
${p.fps.map((f) => `<figure>${linePlot(f.points, { title: `Render fps of the double at ${f.size}² (headless Chromium, SwiftShader)`, unit: "fps", target: THRESHOLDS.fps })}</figure>`).join("")}
</section>`;
  });
  const conc = r.concurrency
    ? `<section><h2>Concurrent visits on one server</h2><p>Most visits at once with no audio underrun: <b>${r.concurrency.maxVisitsWithoutUnderrun}</b></p><table><tr>${Object.keys(r.concurrency.steps[0] ?? {}).map((k) => `<th>${esc(k)}</th>`).join("")}</tr>${r.concurrency.steps.map((s) => `<tr>${Object.values(s).map((v) => `<td>${num(v)}</td>`).join("")}</tr>`).join("")}</table></section>`
    : "";
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Mirror benchmark</title>
<style>body{font-family:sans-serif;margin:24px;max-width:1100px;color:#222}table{border-collapse:collapse;margin:12px 0}td,th{border:1px solid #ccc;padding:3px 8px;font-size:13px;text-align:right}td:first-child,th:first-child{text-align:left}figure{margin:16px 0}.delays{background:#fff4e0;padding:6px}</style></head>
<body><h1>Mirror benchmark</h1>
<p>${esc(r.createdAt)} · ${r.machine.cpus} × ${esc(r.machine.model)} · ${r.machine.memoryGb} GB · Node ${esc(r.machine.node)} · ${r.quick ? "quick mode (faster than real time: timings not representative)" : `${r.runs} run(s) per visitor, real time`}</p>
${r.notes.map((n) => `<p>${esc(n)}</p>`).join("")}
<h2>Summary (ms unless stated)</h2>${table(r.profiles)}
${sections.join("\n")}
${conc}
</body></html>`;
}
