import type { PoolStatus } from "@mirror/protocol";
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
