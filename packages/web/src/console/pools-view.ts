import type { ConsoleEvent, PoolStatus } from "@mirror/protocol";
import { h } from "../shared/dom.js";

/** One row per endpoint of every pool: up/down, circuit, load against its limit, errors, latency. */
export function renderPools(pools: readonly PoolStatus[]): HTMLElement {
  if (pools.length === 0) return h("p", { class: "muted" }, "no pools configured");
  const rows = pools.flatMap((p) =>
    p.endpoints.map((e) =>
      h(
        "tr",
        {},
        ...[
          p.pool,
          e.endpoint,
          h("span", { class: `chip ${e.up ? "ok" : "bad"}` }, e.up ? "up" : "down"),
          e.circuit,
          `${e.inflight}/${e.maxConcurrent}`,
          String(p.queued),
          `${e.failures}/${e.requests}`,
          `${Math.round(e.errorRate * 100)}%`,
          e.latencyMs === null ? "–" : `${e.latencyMs} ms`,
        ].map((c) => h("td", {}, c)),
      ),
    ),
  );
  const head = ["pool", "endpoint", "state", "circuit", "busy", "queued", "failed", "error rate", "latency"];
  return h("table", { class: "pools" }, h("thead", {}, h("tr", {}, ...head.map((c) => h("th", {}, c)))), h("tbody", {}, ...rows));
}

/** Every booth on this Mirror: its browser connected or not, and the phase of its visit (no visitor data). */
export function renderBooths(booths: Extract<ConsoleEvent, { type: "booths" }>["booths"]): HTMLElement {
  if (booths.length === 0) return h("p", { class: "muted" }, "no booth connected yet (kiosks at /?booth=<id>)");
  const rows = booths.map((b) =>
    h(
      "tr",
      {},
      ...[b.label, h("span", { class: `chip ${b.connected ? "ok" : "bad"}` }, b.connected ? "connected" : "away"), b.phase ?? "–", b.visitId?.slice(0, 8) ?? "–"].map((c) => h("td", {}, c)),
    ),
  );
  return h("table", { class: "booths" }, h("thead", {}, h("tr", {}, ...["booth", "browser", "phase", "visit"].map((c) => h("th", {}, c)))), h("tbody", {}, ...rows));
}
