/**
 * An HTTP proxy on 127.0.0.1 (port 0) in front of a healthy fake, injecting one fault at a time into the requests
 * it matches (connection refused, reset, hang, 4xx/5xx, malformed, truncated, slow-loris). It counts what it sees
 * from the provider's side of the wire: requests, faulted requests, and answers still open, so a test can check
 * that a provider hung up on an answer it gave up on (no leaked socket).
 *
 * The Host header is passed through, so a fake that builds URLs from it (as Gradio does) points the client back
 * at the proxy.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { errorBody, type Fault } from "./faults.js";
import { listenLoopback } from "./ports.js";

export type RequestMatcher = (req: { method: string; path: string }) => boolean;

export interface FaultProxyStats {
  requests: number;
  faulted: number;
  /** answers begun and neither finished nor hung up on */
  open: number;
  /** connections open now (keep-alive ones included) */
  connections: number;
}

export interface HttpFaultProxy {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly port: number;
  readonly stats: FaultProxyStats;
  /** sets the fault for the matching requests (default: all); "refused" closes the port until the next set */
  set(fault: Fault, match?: RequestMatcher): Promise<void>;
  /** resolves true once no answer is open (the client hung up on every one), false after `timeoutMs` */
  settled(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "proxy-connection", "upgrade"]);

export async function startHttpFaultProxy(upstreamUrl: string): Promise<HttpFaultProxy> {
  const upstream = new URL(upstreamUrl);
  let fault: Fault = { kind: "none" };
  let match: RequestMatcher = () => true;
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const stats: FaultProxyStats = { requests: 0, faulted: 0, open: 0, connections: 0 };
  const waiters = new Set<() => void>();
  let closed = false;

  const track = (res: ServerResponse): void => {
    stats.open++;
    res.once("close", () => {
      stats.open--;
      if (stats.open === 0) for (const w of waiters) w();
    });
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    stats.requests++;
    track(res);
    const path = req.url ?? "/";
    const current = match({ method: req.method ?? "GET", path }) ? fault : ({ kind: "none" } as const);
    if (current.kind !== "none") stats.faulted++;
    switch (current.kind) {
      case "reset":
        req.socket.destroy();
        return;
      case "hang":
        req.resume(); // read the request, never answer
        return;
      case "status": {
        const body = current.body ?? errorBody(current.status);
        res.writeHead(current.status, {
          "content-type": current.contentType ?? "application/json",
          "content-length": Buffer.byteLength(body),
          ...(current.retryAfterS !== undefined ? { "retry-after": String(current.retryAfterS) } : {}),
        });
        req.resume();
        res.end(body);
        return;
      }
      case "malformed": {
        const body = typeof current.body === "string" ? Buffer.from(current.body) : current.body;
        req.resume();
        res.writeHead(200, { "content-type": current.contentType, "content-length": body.byteLength });
        res.end(body);
        return;
      }
      default:
        forward(req, res, current);
    }
  };

  const forward = (req: IncomingMessage, res: ServerResponse, f: Fault): void => {
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !HOP_BY_HOP.has(k)));
    const up = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers });
    res.once("close", () => up.destroy());
    up.on("error", () => res.destroy());
    up.on("response", (upRes) => {
      const out = Object.fromEntries(Object.entries(upRes.headers).filter(([k]) => !HOP_BY_HOP.has(k)));
      res.writeHead(upRes.statusCode ?? 502, out);
      res.flushHeaders();
      if (f.kind === "truncate") return truncate(upRes, res, f.afterBytes);
      if (f.kind === "slow-loris") return dribble(upRes, res, f.intervalMs);
      upRes.pipe(res);
    });
    req.pipe(up);
  };

  const truncate = (upRes: IncomingMessage, res: ServerResponse, afterBytes: number): void => {
    let sent = 0;
    upRes.on("data", (chunk: Buffer) => {
      const take = chunk.subarray(0, Math.max(0, afterBytes - sent));
      if (take.length > 0) res.write(take);
      sent += take.length;
      if (sent >= afterBytes) {
        upRes.destroy();
        // let the bytes leave before the socket goes
        const t = setTimeout(() => res.socket?.destroy(), 20);
        timers.add(t);
      }
    });
    upRes.on("end", () => res.socket?.destroy());
  };

  const dribble = (upRes: IncomingMessage, res: ServerResponse, intervalMs: number): void => {
    const pending: number[] = [];
    upRes.on("data", (chunk: Buffer) => pending.push(...chunk));
    const timer = setInterval(() => {
      const byte = pending.shift();
      if (byte !== undefined && !res.destroyed) res.write(Uint8Array.of(byte));
    }, intervalMs);
    timers.add(timer);
    res.once("close", () => {
      clearInterval(timer);
      timers.delete(timer);
      upRes.destroy();
    });
  };

  const server: Server = createServer(handle);
  server.on("connection", (socket) => {
    sockets.add(socket);
    stats.connections++;
    socket.once("close", () => {
      sockets.delete(socket);
      stats.connections--;
    });
  });
  const port = await listenLoopback(server);

  const dropConnections = (): void => {
    for (const s of sockets) s.destroy();
  };

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stats,
    async set(next, matcher = () => true) {
      const wasRefused = fault.kind === "refused";
      fault = next;
      match = matcher;
      if (next.kind === "refused" && !wasRefused) {
        dropConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        // let clients see their pooled connections close, so the next request really meets a closed port
        await new Promise((resolve) => setTimeout(resolve, 30));
      } else if (next.kind !== "refused" && wasRefused && !closed) {
        await listenLoopback(server, port);
      }
    },
    settled(timeoutMs) {
      if (stats.open === 0) return Promise.resolve(true);
      return new Promise((resolve) => {
        const done = (ok: boolean) => {
          clearTimeout(timer);
          waiters.delete(onIdle);
          resolve(ok);
        };
        const onIdle = () => done(true);
        const timer = setTimeout(() => done(false), timeoutMs);
        waiters.add(onIdle);
      });
    },
    async close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      dropConnections();
      await new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
    },
  };
}
