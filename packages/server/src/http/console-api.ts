import type { IncomingMessage, ServerResponse } from "node:http";
import { ConsoleControl, type ConsoleEvent, type VisitPhase } from "@mirror/protocol";
import type { PoolRegistry } from "../core/pool/pool-registry.js";
import type { BoothStatus } from "./booths.js";
import type { MetricsObserver } from "../observers/metrics.js";
import { checkHealth, type HealthReport, type HealthSource } from "../observers/provider-health.js";
import type { ProviderStatusBoard } from "../observers/provider-status.js";
import type { SystemMonitor } from "../observers/system-monitor.js";
import type { VisitSession } from "../session/visit-session.js";

export interface Installation {
  paused: boolean;
}

export interface ConsoleApiOptions {
  sessions: Set<VisitSession>;
  metrics: MetricsObserver;
  monitor: SystemMonitor;
  installation: Installation;
  /** the providers whose health the console shows, by stage */
  healthSources: () => Readonly<Record<string, HealthSource | undefined>>;
  /** GPU endpoint pools, shown with their load every 2 s */
  pools?: PoolRegistry;
  /** the booths (kiosks at /?booth=<id>), shown every 2 s */
  booths?: { status(): BoothStatus[] };
  /** how each provider of a fallback chain fares in visits (ok | degraded | down), merged into the health view */
  providerStatus?: ProviderStatusBoard;
  /** how often the console's live view gets system stats and provider health; default 5 s */
  refreshMs?: number;
  log?: (line: string) => void;
}

const MAX_CONTROL_BODY = 4 * 1024;

/** The operator console's API: live state, per-stage timings, provider health, machine stats, and controls. */
export class ConsoleApi {
  private health: HealthReport = {};
  private healthAt = 0;
  private readonly subscribers = new Set<(ev: ConsoleEvent) => void>();
  private timer: NodeJS.Timeout | null = null;

  private readonly offStatus: () => void;

  constructor(private readonly o: ConsoleApiOptions) {
    // a provider going degraded or down reaches the console at once, not at the next 5 s refresh
    this.offStatus = o.providerStatus?.subscribe(() => this.publishHealth()) ?? (() => undefined);
  }

  /** Routes under /api/console and /api/metrics; false when the path is not one of them. */
  handle(req: IncomingMessage, res: ServerResponse, path: string, headers: Record<string, string>): boolean {
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { ...headers, "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (path === "/api/metrics" && req.method === "GET") {
      json(200, { summary: this.o.metrics.summary(), turns: this.o.metrics.turns.slice(-200) });
      return true;
    }
    if (path === "/api/console/status" && req.method === "GET") {
      void this.refreshHealth().then(() => json(200, this.status()));
      return true;
    }
    if (path === "/api/console/events" && req.method === "GET") {
      this.stream(req, res, headers);
      return true;
    }
    if (path.startsWith("/api/console/receipt/") && req.method === "GET") {
      const found = this.o.metrics.receipts.find(path.slice("/api/console/receipt/".length));
      if (!found) json(404, { ok: false, message: "no deletion record with this receipt code (codes are kept in memory until restart)" });
      else json(200, { ok: true, ...found });
      return true;
    }
    if (path === "/api/console/control" && req.method === "POST") {
      void readJson(req, MAX_CONTROL_BODY).then(
        (body) => {
          const parsed = ConsoleControl.safeParse(body);
          if (!parsed.success) return json(400, { ok: false, message: "unknown control" });
          const result = this.control(parsed.data);
          json(result.ok ? 200 : 404, result);
        },
        (err: Error) => json(413, { ok: false, message: err.message }),
      );
      return true;
    }
    return false;
  }

  status(): { paused: boolean; visits: VisitSummary[]; system: ReturnType<SystemMonitor["sample"]>; health: HealthReport } {
    return { paused: this.o.installation.paused, visits: this.visits(), system: this.o.monitor.sample(), health: this.health };
  }

  control(c: ConsoleControl): { ok: boolean; message: string } {
    switch (c.action) {
      case "pause":
      case "resume":
        this.o.installation.paused = c.action === "pause";
        this.o.log?.(`console: installation ${c.action}d`);
        this.publishSystem();
        return { ok: true, message: c.action === "pause" ? "paused: no new visit starts" : "resumed" };
      case "end-visit":
      case "skip-phase": {
        const session = [...this.o.sessions].find((s) => s.visit.id === c.visitId);
        if (!session) return { ok: false, message: "no such visit" };
        this.o.log?.(`console: ${c.action} ${c.visitId.slice(0, 8)}`);
        if (c.action === "end-visit") {
          void session.endVisit("operator");
          return { ok: true, message: "ending the visit" };
        }
        return { ok: true, message: `next reply: ${session.skipPhase()}` };
      }
    }
  }

  openVisits(): number {
    return this.o.sessions.size;
  }

  private visits(): VisitSummary[] {
    return [...this.o.sessions].map((s) => ({
      visitId: s.visit.id,
      phase: s.visit.phase,
      startedAt: s.visit.startedAt.toISOString(),
      turns: s.visit.turns.length,
    }));
  }

  private async refreshHealth(force = false): Promise<void> {
    if (!force && performance.now() - this.healthAt < 2_000) return;
    this.healthAt = performance.now();
    this.health = { ...(await checkHealth(this.o.healthSources())), ...this.o.providerStatus?.health() };
  }

  private publishHealth(): void {
    this.health = { ...this.health, ...this.o.providerStatus?.health() };
    const ev: ConsoleEvent = { type: "health", providers: this.health };
    for (const s of this.subscribers) s(ev);
  }

  private stream(req: IncomingMessage, res: ServerResponse, headers: Record<string, string>): void {
    res.writeHead(200, { ...headers, "content-type": "text/event-stream", connection: "keep-alive" });
    const send = (ev: ConsoleEvent) => res.write(`data: ${JSON.stringify(ev)}\n\n`);
    res.write(": mirror console\n\n");
    for (const v of this.visits()) send({ type: "visit", visitId: v.visitId, phase: v.phase, at: v.startedAt });
    for (const t of this.o.metrics.turns.slice(-50)) send({ type: "turn", ...t });
    send(this.systemEvent());
    if (Object.keys(this.health).length) send({ type: "health", providers: this.health });
    const offMetrics = this.o.metrics.subscribe(send);
    this.subscribers.add(send);
    this.ensureTimer();
    const pools = this.o.pools;
    const poolTimer = setInterval(() => {
      if (pools) send({ type: "pools", pools: pools.snapshots() });
      if (this.o.booths) send({ type: "booths", booths: this.o.booths.status() });
    }, 2_000);
    const ping = setInterval(() => res.write(": ping\n\n"), 15_000);
    req.on("close", () => {
      clearInterval(poolTimer);
      clearInterval(ping);
      offMetrics();
      this.subscribers.delete(send);
      if (this.subscribers.size === 0) this.stopTimer();
    });
  }

  private systemEvent(): ConsoleEvent {
    return { type: "system", at: new Date().toISOString(), paused: this.o.installation.paused, openVisits: this.o.sessions.size, stats: this.o.monitor.sample() };
  }

  private publishSystem(): void {
    if (this.subscribers.size === 0) return;
    const ev = this.systemEvent();
    for (const s of this.subscribers) s(ev);
  }

  private ensureTimer(): void {
    if (this.timer) return;
    const tick = async () => {
      this.publishSystem();
      await this.refreshHealth(true);
      const ev: ConsoleEvent = { type: "health", providers: this.health };
      for (const s of this.subscribers) s(ev);
    };
    void tick();
    this.timer = setInterval(() => void tick(), this.o.refreshMs ?? 5_000);
    this.timer.unref();
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  close(): void {
    this.offStatus();
    this.stopTimer();
    this.subscribers.clear();
  }
}

export interface VisitSummary {
  visitId: string;
  phase: VisitPhase;
  startedAt: string;
  turns: number;
}

function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.byteLength;
      if (size <= limit) chunks.push(c);
    });
    req.on("end", () => {
      if (size > limit) return reject(new Error("request too large"));
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      } catch {
        resolve(null);
      }
    });
    req.on("error", reject);
  });
}
