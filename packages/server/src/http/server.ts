import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import type { ServerMessage } from "@mirror/protocol";
import type { MetricsObserver } from "../observers/metrics.js";
import { renderPrometheus, type PoolRegistry } from "../core/pool/pool-registry.js";
import { VisitSession, type VisitSessionOptions } from "../session/visit-session.js";

export interface WebAsset {
  contentType: string;
  body: Uint8Array;
}

export interface MirrorServerOptions {
  host: string;
  port: number;
  assets: Map<string, WebAsset>;
  metrics: MetricsObserver;
  /** everything a visit session needs except its channel */
  session: Omit<VisitSessionOptions, "channel">;
  log?: (line: string) => void;
  /** GPU endpoint pools: their health and load go to `/metrics` and the console */
  pools?: PoolRegistry;
  /** when set, `/metrics` wants `Authorization: Bearer <token>` (from MIRROR_METRICS_TOKEN) */
  metricsToken?: string;
}

export interface RunningServer {
  url: string;
  port: number;
  sessions: Set<VisitSession>;
  close(): Promise<void>;
}

/** Largest WebSocket message: a 20 s voice sample or an 8 MB photo, plus header. */
const MAX_WS_MESSAGE = 9 * 1024 * 1024;

/** Serves the kiosk (/), the console (/console), one WebSocket per kiosk (/ws) and the console's event stream. */
export async function startServer(o: MirrorServerOptions): Promise<RunningServer> {
  const sessions = new Set<VisitSession>();
  const http = createServer((req, res) => handleHttp(req, res, o, sessions));
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WS_MESSAGE });
  http.on("upgrade", (req, socket, head) => {
    if (new URL(req.url ?? "/", "http://x").pathname !== "/ws") return void socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => attachSession(ws, o, sessions));
  });
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(o.port, o.host, () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  return {
    url: `http://${o.host === "0.0.0.0" ? "127.0.0.1" : o.host}:${port}`,
    port,
    sessions,
    close: () => closeAll(http, wss, sessions),
  };
}

function attachSession(ws: WebSocket, o: MirrorServerOptions, sessions: Set<VisitSession>): void {
  const session = new VisitSession({
    ...o.session,
    channel: {
      send: (msg: ServerMessage) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
      },
      sendBinary: (bytes: Uint8Array) => {
        if (ws.readyState === ws.OPEN) ws.send(bytes);
      },
    },
  });
  sessions.add(session);
  ws.on("message", (data, isBinary) => {
    try {
      if (isBinary) session.handleBinary(toBytes(data));
      else session.handleText(data.toString());
    } catch (err) {
      o.log?.(`session error: ${(err as Error).name}`);
    }
  });
  ws.on("close", () => {
    sessions.delete(session);
    void session.close();
  });
  ws.on("error", () => ws.terminate());
}

function toBytes(data: unknown): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data as Buffer[]));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data as Buffer);
}

function handleHttp(req: IncomingMessage, res: ServerResponse, o: MirrorServerOptions, sessions: Set<VisitSession>): void {
  const path = new URL(req.url ?? "/", "http://x").pathname;
  const headers = { "cache-control": "no-store", "x-content-type-options": "nosniff" };
  if (path === "/api/health") {
    res.writeHead(200, { ...headers, "content-type": "application/json" });
    return void res.end(JSON.stringify({ ok: true, visits: sessions.size }));
  }
  if (path === "/api/metrics") {
    res.writeHead(200, { ...headers, "content-type": "application/json" });
    return void res.end(JSON.stringify({ summary: o.metrics.summary(), turns: o.metrics.turns.slice(-200) }));
  }
  if (path === "/metrics") return servePrometheus(req, res, o, sessions.size);
  if (path === "/api/console/events") {
    res.writeHead(200, { ...headers, "content-type": "text/event-stream", connection: "keep-alive" });
    res.write(": mirror console\n\n");
    for (const t of o.metrics.turns.slice(-50)) res.write(`data: ${JSON.stringify({ type: "turn", ...t })}\n\n`);
    const off = o.metrics.subscribe((ev) => res.write(`data: ${JSON.stringify(ev)}\n\n`));
    const ping = setInterval(() => res.write(": ping\n\n"), 15_000);
    const pools = o.pools ? setInterval(() => res.write(`data: ${JSON.stringify({ type: "pools", pools: o.pools?.snapshots() })}\n\n`), 2_000) : undefined;
    req.on("close", () => {
      off();
      clearInterval(ping);
      clearInterval(pools);
    });
    return;
  }
  const asset = o.assets.get(path);
  if (!asset || req.method !== "GET") {
    res.writeHead(404, { ...headers, "content-type": "text/plain" });
    return void res.end("not found");
  }
  res.writeHead(200, { ...headers, "content-type": asset.contentType });
  res.end(asset.body);
}

/** Prometheus text format: pool health/load per endpoint and the number of visits (no content, no keys). */
function servePrometheus(req: IncomingMessage, res: ServerResponse, o: MirrorServerOptions, visits: number): void {
  if (o.metricsToken && req.headers.authorization !== `Bearer ${o.metricsToken}`) {
    res.writeHead(401, { "content-type": "text/plain", "www-authenticate": "Bearer" });
    return void res.end("metrics token required");
  }
  const body = renderPrometheus(o.pools?.snapshots() ?? [], [{ name: "mirror_visits_active", help: "visits connected now", value: visits }]);
  res.writeHead(200, { "cache-control": "no-store", "content-type": "text/plain; version=0.0.4; charset=utf-8" });
  res.end(body);
}

async function closeAll(http: Server, wss: WebSocketServer, sessions: Set<VisitSession>): Promise<void> {
  await Promise.all([...sessions].map((s) => s.close()));
  for (const c of wss.clients) c.terminate();
  wss.close();
  http.closeAllConnections();
  await new Promise<void>((resolve) => http.close(() => resolve()));
}
