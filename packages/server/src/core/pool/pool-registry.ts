import type { PoolSnapshot } from "./endpoint-pool.js";

interface Snapshotting {
  readonly name: string;
  snapshot(): PoolSnapshot;
}

/** Every pool this Mirror uses, for `/metrics` and the console (timings and health only, no content). */
export class PoolRegistry {
  private readonly pools = new Set<Snapshotting>();

  add(pool: Snapshotting): void {
    this.pools.add(pool);
  }

  snapshots(): PoolSnapshot[] {
    return [...this.pools].map((p) => p.snapshot());
  }
}

const CIRCUIT_VALUE = { closed: 0, "half-open": 1, open: 2 } as const;

/** The pools in Prometheus text exposition format (version 0.0.4). */
export function renderPrometheus(snapshots: readonly PoolSnapshot[], extra: ReadonlyArray<{ name: string; help: string; value: number }> = []): string {
  const lines: string[] = [];
  const family = (name: string, type: "gauge" | "counter", help: string, rows: Array<[Record<string, string>, number | null]>): void => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of rows) {
      if (value === null) continue;
      const l = Object.entries(labels)
        .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
        .join(",");
      lines.push(`${name}${l ? `{${l}}` : ""} ${Number.isFinite(value) ? value : 0}`);
    }
  };
  const eps = snapshots.flatMap((s) => s.endpoints);
  const per = (f: (e: (typeof eps)[number]) => number | null): Array<[Record<string, string>, number | null]> =>
    eps.map((e) => [{ pool: e.pool, endpoint: e.endpoint }, f(e)]);
  family("mirror_pool_endpoint_up", "gauge", "1 when the endpoint takes requests (circuit not open, last probe passed)", per((e) => (e.up ? 1 : 0)));
  family("mirror_pool_endpoint_circuit_state", "gauge", "circuit breaker: 0 closed, 1 half-open, 2 open", per((e) => CIRCUIT_VALUE[e.circuit]));
  family("mirror_pool_endpoint_inflight", "gauge", "requests being served now", per((e) => e.inflight));
  family("mirror_pool_endpoint_max_concurrent", "gauge", "configured concurrency limit", per((e) => e.maxConcurrent));
  family("mirror_pool_endpoint_requests_total", "counter", "requests sent to the endpoint", per((e) => e.requests));
  family("mirror_pool_endpoint_failures_total", "counter", "requests that failed on the endpoint", per((e) => e.failures));
  family("mirror_pool_endpoint_error_rate", "gauge", "failed share of recent requests", per((e) => e.errorRate));
  family("mirror_pool_endpoint_latency_ms", "gauge", "smoothed duration of successful requests in ms", per((e) => e.latencyMs));
  family("mirror_pool_queued", "gauge", "requests waiting for a free slot", snapshots.map((s) => [{ pool: s.pool }, s.queued]));
  for (const x of extra) family(x.name, "gauge", x.help, [[{}, x.value]]);
  return `${lines.join("\n")}\n`;
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}
