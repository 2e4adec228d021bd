/** Tiny SVG plotting for the self-contained benchmark report (no scripts, no network). */

export interface Threshold {
  at: number;
  label: string;
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] ?? c);
const PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f"];

function niceMax(x: number): number {
  if (x <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= x) return m * p;
  return 10 * p;
}

function axis(x0: number, width: number, max: number, y: number, unit: string): string {
  const ticks = 5;
  let out = `<line x1="${x0}" y1="${y}" x2="${x0 + width}" y2="${y}" stroke="#999"/>`;
  for (let i = 0; i <= ticks; i++) {
    const v = (max * i) / ticks;
    const x = x0 + (width * i) / ticks;
    out += `<line x1="${x}" y1="${y}" x2="${x}" y2="${y + 4}" stroke="#999"/><text x="${x}" y="${y + 16}" text-anchor="middle" font-size="11">${Math.round(v)}${i === ticks ? " " + unit : ""}</text>`;
  }
  return out;
}

function thresholdLines(x0: number, width: number, max: number, top: number, bottom: number, thresholds: readonly Threshold[]): string {
  return thresholds
    .filter((t) => t.at >= 0 && t.at <= max)
    .map((t, i) => {
      const x = x0 + (width * t.at) / max;
      // labels stacked so neighbouring thresholds (150 and 200 ms) stay readable
      return `<line x1="${x}" y1="${top}" x2="${x}" y2="${bottom}" stroke="#c00" stroke-dasharray="4 3"/><text x="${x + 3}" y="${top + 10 + i * 11}" font-size="10" fill="#c00" style="paint-order:stroke" stroke="#fff" stroke-width="3">${esc(t.label)}</text>`;
    })
    .join("");
}

/** One row per series: every value as a dot, p50–p95 as a box, p50 as a bar. */
export function stripPlot(series: ReadonlyArray<{ label: string; values: readonly number[] }>, opts: { unit: string; thresholds?: readonly Threshold[]; title: string }): string {
  const rowH = 26;
  const left = 300;
  const width = 520;
  const top = 44;
  const all = series.flatMap((s) => s.values);
  const max = niceMax(Math.max(1, ...all, ...(opts.thresholds ?? []).map((t) => t.at)));
  const h = top + series.length * rowH + 40;
  let body = `<text x="10" y="18" font-size="13" font-weight="bold">${esc(opts.title)}</text>`;
  series.forEach((s, i) => {
    const y = top + i * rowH + rowH / 2;
    const sorted = [...s.values].sort((a, b) => a - b);
    const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? 0;
    const sx = (v: number) => left + (width * v) / max;
    body += `<text x="${left - 8}" y="${y + 4}" text-anchor="end" font-size="11">${esc(s.label)}</text>`;
    if (sorted.length) {
      body += `<rect x="${sx(q(0.5))}" y="${y - 7}" width="${Math.max(1, sx(q(0.95)) - sx(q(0.5)))}" height="14" fill="${PALETTE[i % PALETTE.length]}" opacity="0.25"/>`;
      body += `<line x1="${sx(q(0.5))}" y1="${y - 9}" x2="${sx(q(0.5))}" y2="${y + 9}" stroke="${PALETTE[i % PALETTE.length]}" stroke-width="2"/>`;
      for (const v of sorted) body += `<circle cx="${sx(v)}" cy="${y}" r="2.5" fill="${PALETTE[i % PALETTE.length]}" opacity="0.7"/>`;
    } else body += `<text x="${left + 4}" y="${y + 4}" font-size="11" fill="#888">not measured</text>`;
  });
  const bottom = top + series.length * rowH;
  body += thresholdLines(left, width, max, top - 8, bottom, opts.thresholds ?? []);
  body += axis(left, width, max, bottom + 4, opts.unit);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${left + width + 30}" height="${h}" font-family="sans-serif">${body}</svg>`;
}

/** Each turn as a row; each mark a segment from the previous mark, coloured by stage. */
export function waterfallPlot(rows: ReadonlyArray<{ label: string; marks: ReadonlyArray<{ name: string; at: number }> }>, opts: { title: string; thresholds?: readonly Threshold[] }): string {
  const rowH = 18;
  const left = 190;
  const width = 580;
  const top = 48;
  const names = [...new Set(rows.flatMap((r) => r.marks.map((m) => m.name)))];
  const max = niceMax(Math.max(1, ...rows.flatMap((r) => r.marks.map((m) => m.at))));
  let body = `<text x="10" y="18" font-size="13" font-weight="bold">${esc(opts.title)}</text>`;
  names.forEach((n, i) => {
    body += `<rect x="${10 + i * 105}" y="26" width="10" height="10" fill="${PALETTE[i % PALETTE.length]}"/><text x="${24 + i * 105}" y="35" font-size="10">${esc(n)}</text>`;
  });
  rows.forEach((r, i) => {
    const y = top + i * rowH;
    body += `<text x="${left - 6}" y="${y + 12}" text-anchor="end" font-size="10">${esc(r.label)}</text>`;
    let prev = 0;
    for (const m of [...r.marks].sort((a, b) => a.at - b.at)) {
      const ci = names.indexOf(m.name);
      const x = left + (width * prev) / max;
      const w = Math.max(1, (width * (m.at - prev)) / max);
      body += `<rect x="${x}" y="${y + 2}" width="${w}" height="${rowH - 5}" fill="${PALETTE[ci % PALETTE.length]}"><title>${esc(m.name)}: ${m.at.toFixed(1)} ms</title></rect>`;
      prev = m.at;
    }
  });
  const bottom = top + rows.length * rowH;
  body += thresholdLines(left, width, max, top - 4, bottom, opts.thresholds ?? []);
  body += axis(left, width, max, bottom + 4, "ms");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${left + width + 30}" height="${bottom + 40}" font-family="sans-serif">${body}</svg>`;
}

/** A histogram with a shaded acceptable window (e.g. the A/V sync window). */
export function histogram(values: readonly number[], opts: { title: string; unit: string; window?: { from: number; to: number; label: string }; binWidth: number }): string {
  const left = 50;
  const width = 600;
  const height = 160;
  const top = 30;
  let body = `<text x="10" y="18" font-size="13" font-weight="bold">${esc(opts.title)}</text>`;
  const lo = Math.min(opts.window?.from ?? 0, ...values) - opts.binWidth;
  const hi = Math.max(opts.window?.to ?? 0, ...values) + opts.binWidth;
  const bins = Math.max(1, Math.ceil((hi - lo) / opts.binWidth));
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.floor((v - lo) / opts.binWidth))]! += 1;
  const maxC = Math.max(1, ...counts);
  const sx = (v: number) => left + ((v - lo) / (hi - lo)) * width;
  if (opts.window) {
    body += `<rect x="${sx(opts.window.from)}" y="${top}" width="${sx(opts.window.to) - sx(opts.window.from)}" height="${height}" fill="#59a14f" opacity="0.15"/><text x="${sx(opts.window.from) + 3}" y="${top + 12}" font-size="10" fill="#2a6">${esc(opts.window.label)}</text>`;
  }
  counts.forEach((c, i) => {
    const h = (height * c) / maxC;
    body += `<rect x="${sx(lo + i * opts.binWidth) + 1}" y="${top + height - h}" width="${Math.max(1, (width * opts.binWidth) / (hi - lo) - 2)}" height="${h}" fill="#4e79a7"/>`;
  });
  body += `<line x1="${left}" y1="${top + height}" x2="${left + width}" y2="${top + height}" stroke="#999"/>`;
  for (let i = 0; i <= 6; i++) {
    const v = lo + ((hi - lo) * i) / 6;
    body += `<text x="${sx(v)}" y="${top + height + 14}" font-size="11" text-anchor="middle">${Math.round(v)}${i === 6 ? " " + opts.unit : ""}</text>`;
  }
  if (values.length === 0) body += `<text x="${left + 10}" y="${top + height / 2}" font-size="12" fill="#888">not measured</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${left + width + 30}" height="${top + height + 30}" font-family="sans-serif">${body}</svg>`;
}

/** A line over time (e.g. fps), with an optional horizontal target. */
export function linePlot(points: ReadonlyArray<{ t: number; v: number }>, opts: { title: string; unit: string; target?: Threshold }): string {
  const left = 50;
  const width = 600;
  const height = 140;
  const top = 30;
  const maxT = Math.max(1, ...points.map((p) => p.t));
  const maxV = niceMax(Math.max(1, ...points.map((p) => p.v), opts.target?.at ?? 0));
  const sx = (t: number) => left + (width * t) / maxT;
  const sy = (v: number) => top + height - (height * v) / maxV;
  let body = `<text x="10" y="18" font-size="13" font-weight="bold">${esc(opts.title)}</text>`;
  if (opts.target) body += `<line x1="${left}" y1="${sy(opts.target.at)}" x2="${left + width}" y2="${sy(opts.target.at)}" stroke="#c00" stroke-dasharray="4 3"/><text x="${left + width - 4}" y="${sy(opts.target.at) - 4}" font-size="10" fill="#c00" text-anchor="end">${esc(opts.target.label)}</text>`;
  if (points.length) body += `<polyline fill="none" stroke="#4e79a7" stroke-width="2" points="${points.map((p) => `${sx(p.t).toFixed(1)},${sy(p.v).toFixed(1)}`).join(" ")}"/>`;
  else body += `<text x="${left + 10}" y="${top + height / 2}" font-size="12" fill="#888">not measured</text>`;
  body += `<line x1="${left}" y1="${top + height}" x2="${left + width}" y2="${top + height}" stroke="#999"/><text x="${left - 6}" y="${top + 10}" font-size="11" text-anchor="end">${maxV}</text><text x="${left - 6}" y="${top + height}" font-size="11" text-anchor="end">0 ${esc(opts.unit)}</text><text x="${left + width}" y="${top + height + 14}" font-size="11" text-anchor="end">${maxT.toFixed(0)} s</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${left + width + 30}" height="${top + height + 30}" font-family="sans-serif">${body}</svg>`;
}

/** Several lines over the same categories (e.g. p95 per booth count, one line per GPU count), x evenly spaced. */
export function seriesPlot(
  categories: readonly number[],
  series: ReadonlyArray<{ label: string; values: ReadonlyArray<number | null> }>,
  opts: { title: string; xLabel: string; unit: string; target?: Threshold },
): string {
  const left = 60;
  const width = 560;
  const height = 220;
  const top = 34;
  const all = series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const maxV = niceMax(Math.max(1, ...all, opts.target?.at ?? 0));
  const sx = (i: number) => left + (categories.length > 1 ? (width * i) / (categories.length - 1) : width / 2);
  const sy = (v: number) => top + height - (height * v) / maxV;
  let body = `<text x="10" y="18" font-size="13" font-weight="bold">${esc(opts.title)}</text>`;
  body += `<line x1="${left}" y1="${top + height}" x2="${left + width}" y2="${top + height}" stroke="#999"/><line x1="${left}" y1="${top}" x2="${left}" y2="${top + height}" stroke="#999"/>`;
  for (let k = 0; k <= 4; k++) {
    const v = (maxV * k) / 4;
    body += `<text x="${left - 6}" y="${sy(v) + 4}" font-size="11" text-anchor="end">${Math.round(v)}</text><line x1="${left}" y1="${sy(v)}" x2="${left + width}" y2="${sy(v)}" stroke="#eee"/>`;
  }
  body += `<text x="${left - 6}" y="${top - 8}" font-size="11" text-anchor="end">${esc(opts.unit)}</text>`;
  categories.forEach((c, i) => (body += `<text x="${sx(i)}" y="${top + height + 16}" font-size="11" text-anchor="middle">${c}</text>`));
  body += `<text x="${left + width / 2}" y="${top + height + 32}" font-size="11" text-anchor="middle">${esc(opts.xLabel)}</text>`;
  if (opts.target) {
    const y = sy(opts.target.at);
    body += `<line x1="${left}" y1="${y}" x2="${left + width}" y2="${y}" stroke="#c00" stroke-dasharray="4 3"/><text x="${left + width - 4}" y="${y - 4}" font-size="10" fill="#c00" text-anchor="end">${esc(opts.target.label)}</text>`;
  }
  series.forEach((s, si) => {
    const color = PALETTE[si % PALETTE.length] ?? "#000";
    const pts = s.values.flatMap((v, i) => (v === null ? [] : [`${sx(i).toFixed(1)},${sy(v).toFixed(1)}`]));
    body += `<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.join(" ")}"/>`;
    for (const p of pts) body += `<circle cx="${p.split(",")[0]}" cy="${p.split(",")[1]}" r="3" fill="${color}"/>`;
    body += `<rect x="${left + width + 12}" y="${top + si * 16}" width="10" height="10" fill="${color}"/><text x="${left + width + 26}" y="${top + si * 16 + 9}" font-size="11">${esc(s.label)}</text>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${left + width + 130}" height="${top + height + 44}" font-family="sans-serif">${body}</svg>`;
}
