import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import { BinaryKind, type ServerMessage } from "@mirror/protocol";
import type { MetricsObserver } from "../observers/metrics.js";
import { renderPrometheus, type PoolRegistry } from "../core/pool/pool-registry.js";
import type { ProviderStatusBoard } from "../observers/provider-status.js";
import { SystemMonitor } from "../observers/system-monitor.js";
import { BoothRegistry } from "./booths.js";
import { VisitSession, type VisitSessionOptions } from "../session/visit-session.js";
import { consoleAuthorized, consoleCookie, corsHeaders, originAllowed, type AccessOptions } from "./access.js";
import { ConsoleApi, type Installation } from "./console-api.js";
import { tokenMatches } from "./console-token.js";
import { DEFAULT_FLOOD_LIMITS, FloodGuard, type FloodLimits } from "./flood-guard.js";

export interface WebAsset {
  contentType: string;
  body: Uint8Array;
}

export interface ServerLimits {
  /** largest WebSocket message: a 20 s voice sample or an 8 MB photo, plus header */
  wsMessageBytes: number;
  flood: FloodLimits;
}

export const DEFAULT_LIMITS: ServerLimits = { wsMessageBytes: 9 * 1024 * 1024, flood: DEFAULT_FLOOD_LIMITS };

export interface MirrorServerOptions {
  host: string;
  port: number;
  assets: Map<string, WebAsset>;
  metrics: MetricsObserver;
  /** everything a visit session needs except its channel */
  session: Omit<VisitSessionOptions, "channel">;
  /** the operator console's token (see console-token.ts); without one, a random one only this process knows */
  consoleToken?: string;
  /** origins besides the server's own allowed on the WebSocket and the API */
  allowedOrigins?: readonly string[];
  limits?: Partial<ServerLimits>;
  log?: (line: string) => void;
  /** GPU endpoint pools: their health and load go to `/metrics` and the console */
  pools?: PoolRegistry;
  /** when set, `/metrics` wants `Authorization: Bearer <token>` (from MIRROR_METRICS_TOKEN) */
  metricsToken?: string;
  /** kiosks that say `?booth=<id>`: one visit per booth, kept across a network blip; default: any id, 20 s grace */
  booths?: BoothRegistry;
  /** how each provider of a fallback chain fares (config/providers.ts feeds it), shown on the console */
  providerStatus?: ProviderStatusBoard;
}

export interface RunningServer {
  url: string;
  port: number;
  sessions: Set<VisitSession>;
  consoleToken: string;
  installation: Installation;
  close(): Promise<void>;
}

/** Pages and assets only the operator may load; everything else under / is the kiosk's. */
const CONSOLE_ASSETS = /^\/(console|assets\/console\.(js|css))$/;

/** Serves the kiosk (/), the console (/console, token), one WebSocket per kiosk (/ws) and the console's API. */
export async function startServer(o: MirrorServerOptions): Promise<RunningServer> {
  const sessions = new Set<VisitSession>();
  const limits: ServerLimits = { ...DEFAULT_LIMITS, ...o.limits };
  const access: AccessOptions = { consoleToken: o.consoleToken ?? randomBytes(24).toString("base64url"), allowedOrigins: o.allowedOrigins ?? [] };
  const installation: Installation = { paused: false };
  const monitor = new SystemMonitor();
  const p = o.session.providers;
  const booths = o.booths ?? new BoothRegistry();
  booths.onEnd = (s) => sessions.delete(s);
  const consoleApi = new ConsoleApi({
    booths,
    sessions,
    metrics: o.metrics,
    monitor,
    installation,
    healthSources: () => ({ vad: p.vad, stt: p.stt, ...(p.browserStt ? { "stt in the kiosk": p.browserStt } : {}), llm: p.llm, tts: p.tts, lipsync: p.lipsync, ...p.sinkSet?.healthSources() }),
    ...(o.pools ? { pools: o.pools } : {}),
    ...(o.log ? { log: o.log } : {}),
    ...(o.providerStatus ? { providerStatus: o.providerStatus } : {}),
  });
  const session = { ...o.session, isPaused: () => installation.paused };
  const http = createServer((req, res) => handleHttp(req, res, o, access, consoleApi));
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.wsMessageBytes });
  http.on("upgrade", (req, socket, head) => {
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname !== "/ws") return void socket.destroy();
    if (!originAllowed(req, access)) {
      o.log?.("ws: refused a connection from a foreign origin");
      socket.end("HTTP/1.1 403 Forbidden\r\nconnection: close\r\ncontent-length: 0\r\n\r\n");
      return;
    }
    const booth = url.searchParams.get("booth");
    wss.handleUpgrade(req, socket, head, (ws) =>
      booth === null ? attachSession(ws, { ...o, session }, sessions, limits) : attachBooth(ws, booth, { ...o, session }, booths, sessions, limits),
    );
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
    consoleToken: access.consoleToken,
    installation,
    close: async () => {
      consoleApi.close();
      monitor.close();
      await booths.close();
      await closeAll(http, wss, sessions);
    },
  };
}

function attachSession(ws: WebSocket, o: MirrorServerOptions, sessions: Set<VisitSession>, limits: ServerLimits): void {
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
  receive(ws, session, o, limits);
  ws.on("close", () => {
    sessions.delete(session);
    void session.close();
  });
  ws.on("error", () => ws.terminate());
}

/** A booth's kiosk: its running visit if it has one (a reconnect), else a new one; the visit outlives the socket for a grace. */
function attachBooth(ws: WebSocket, boothId: string, o: MirrorServerOptions, booths: BoothRegistry, sessions: Set<VisitSession>, limits: ServerLimits): void {
  if (!booths.lookup(boothId)) {
    ws.send(JSON.stringify({ type: "error", code: "unknown-booth", message: `This booth (${boothId.slice(0, 32)}) is not set up on this Mirror.` } satisfies ServerMessage));
    return void ws.close(4004, "unknown booth");
  }
  const { session } = booths.attach(boothId, ws, (extra) => new VisitSession({ ...o.session, ...extra, channel: extra.channel ?? { send: () => undefined, sendBinary: () => undefined } }));
  sessions.add(session);
  receive(ws, session, o, limits);
  ws.on("close", () => booths.detach(boothId, ws));
  ws.on("error", () => ws.terminate());
}

function receive(ws: WebSocket, session: VisitSession, o: MirrorServerOptions, limits: ServerLimits): void {
  const flood = new FloodGuard(limits.flood);
  ws.on("message", (data, isBinary) => {
    const verdict = flood.check();
    if (verdict === "close") {
      o.log?.(`session ${session.visit.id.slice(0, 8)}: closed after a flood of ${flood.dropped} messages`);
      return ws.close(1008, "too many messages");
    }
    if (verdict === "drop") {
      if (flood.shouldWarn()) session.warn("slow-down", "Too many messages: some were dropped.");
      return;
    }
    try {
      if (!isBinary) return session.handleText(data.toString());
      const bytes = toBytes(data);
      session.handleBinary(bytes);
      // A photo or voice sample is copied into the visit's vault; the socket's copies are wiped now, not at GC:
      // the message (a view of the WebSocket library's own buffer, unmasked in place) and any fragments joined
      // into it. Freed without this, the allocator hands those bytes back unzeroed (found in /proc/self/mem).
      if (bytes[0] === BinaryKind.photo || bytes[0] === BinaryKind.voiceSample) {
        bytes.fill(0);
        if (Array.isArray(data)) for (const part of data as Buffer[]) part.fill(0);
      }
    } catch (err) {
      o.log?.(`session error: ${(err as Error).name}`);
    }
  });
}

/** A view of what ws delivered, not a copy, so wiping it wipes the library's buffer (fragments are joined). */
function toBytes(data: unknown): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data as Buffer[]);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  const b = data as Buffer;
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

function handleHttp(req: IncomingMessage, res: ServerResponse, o: MirrorServerOptions, access: AccessOptions, consoleApi: ConsoleApi): void {
  const url = new URL(req.url ?? "/", "http://x");
  const path = url.pathname;
  const headers: Record<string, string> = { "cache-control": "no-store", "x-content-type-options": "nosniff", "referrer-policy": "no-referrer" };
  const deny = (status: number, text: string, extra: Record<string, string> = {}) => {
    res.writeHead(status, { ...headers, ...extra, "content-type": "text/plain" });
    res.end(text);
  };
  if (path.startsWith("/api/")) {
    Object.assign(headers, corsHeaders(req, access));
    if (!originAllowed(req, access)) return deny(403, "forbidden origin");
    if (req.method === "OPTIONS") return void res.writeHead(204, headers).end();
  }
  if (path === "/metrics") return servePrometheus(req, res, o, consoleApi.openVisits());
  if (path === "/api/health") {
    res.writeHead(200, { ...headers, "content-type": "application/json" });
    return void res.end(JSON.stringify({ ok: true }));
  }
  if (path.startsWith("/api/")) {
    if (!consoleAuthorized(req, access)) return deny(401, "console token required", { "www-authenticate": "Bearer" });
    if (!consoleApi.handle(req, res, path, headers)) deny(404, "not found");
    return;
  }
  if (CONSOLE_ASSETS.test(path)) {
    const given = url.searchParams.get("token");
    if (path === "/console" && given !== null) {
      if (!tokenMatches(given, access.consoleToken)) return deny(401, "wrong console token");
      // the token leaves the address bar (and history) at once; the cookie carries it from here
      res.writeHead(303, { ...headers, location: "/console", "set-cookie": consoleCookie(access.consoleToken) });
      return void res.end();
    }
    if (!consoleAuthorized(req, access)) return deny(401, "console token required: open /console?token=…");
  }
  if (o.session.providers.browserStt?.serve(req, res, path)) return;
  const asset = o.assets.get(path);
  if (!asset || (req.method !== "GET" && req.method !== "HEAD")) return deny(404, "not found");
  res.writeHead(200, { ...headers, "content-type": asset.contentType });
  res.end(req.method === "HEAD" ? undefined : asset.body);
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
