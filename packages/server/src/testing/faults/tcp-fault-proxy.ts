/**
 * A raw TCP proxy on 127.0.0.1 (port 0) in front of a healthy fake (e.g. the F5 socket server), injecting the
 * faults that apply to a byte stream without HTTP: refused, reset, hang (request read, never answered), a
 * malformed reply (given bytes instead of the upstream's), a reply cut after N bytes, and slow-loris (the
 * upstream's reply one byte at a time). HTTP statuses do not apply. Counts connections still open, so a test
 * can check that the client let go of a connection it gave up on.
 */
import { connect, createServer, type Socket } from "node:net";
import type { Fault } from "./faults.js";
import { listenLoopback } from "./ports.js";

export type TcpFault = Exclude<Fault, { kind: "status" }>;

export interface TcpFaultProxy {
  readonly host: string;
  readonly port: number;
  readonly stats: { connections: number; faulted: number };
  set(fault: TcpFault): Promise<void>;
  /** resolves true once no client connection is open, false after `timeoutMs` */
  settled(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export async function startTcpFaultProxy(upstream: { host: string; port: number }): Promise<TcpFaultProxy> {
  let fault: TcpFault = { kind: "none" };
  let closed = false;
  const clients = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const waiters = new Set<() => void>();
  const stats = { connections: 0, faulted: 0 };

  const server = createServer((client) => {
    clients.add(client);
    stats.connections++;
    client.once("close", () => {
      clients.delete(client);
      stats.connections--;
      if (stats.connections === 0) for (const w of waiters) w();
    });
    client.on("error", () => undefined);
    const f = fault;
    if (f.kind !== "none") stats.faulted++;
    switch (f.kind) {
      case "reset":
        client.resetAndDestroy();
        return;
      case "hang":
        client.resume();
        return;
      case "malformed":
        client.once("data", () => client.write(typeof f.body === "string" ? Buffer.from(f.body) : f.body));
        return;
      default:
        pipeThrough(client, f);
    }
  });

  const pipeThrough = (client: Socket, f: TcpFault): void => {
    const up = connect({ host: upstream.host, port: upstream.port });
    up.on("error", () => client.destroy());
    client.once("close", () => up.destroy());
    up.once("close", () => client.destroy());
    client.pipe(up);
    if (f.kind === "truncate") {
      let sent = 0;
      up.on("data", (chunk: Buffer) => {
        const take = chunk.subarray(0, Math.max(0, f.afterBytes - sent));
        if (take.length > 0) client.write(take);
        sent += take.length;
        if (sent >= f.afterBytes) client.end(() => client.destroy());
      });
    } else if (f.kind === "slow-loris") {
      const pending: number[] = [];
      up.on("data", (chunk: Buffer) => pending.push(...chunk));
      const timer = setInterval(() => {
        const byte = pending.shift();
        if (byte !== undefined && !client.destroyed) client.write(Uint8Array.of(byte));
      }, f.intervalMs);
      timers.add(timer);
      client.once("close", () => clearInterval(timer));
    } else {
      up.pipe(client);
    }
  };

  const port = await listenLoopback(server);
  const dropAll = (): void => {
    for (const c of clients) c.destroy();
  };

  return {
    host: "127.0.0.1",
    port,
    stats,
    async set(next) {
      const wasRefused = fault.kind === "refused";
      fault = next;
      if (next.kind === "refused" && !wasRefused) {
        dropAll();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        // let clients see their pooled connections close, so the next request really meets a closed port
        await new Promise((resolve) => setTimeout(resolve, 30));
      } else if (next.kind !== "refused" && wasRefused && !closed) {
        await listenLoopback(server, port);
      }
    },
    settled(timeoutMs) {
      if (stats.connections === 0) return Promise.resolve(true);
      return new Promise((resolve) => {
        const onIdle = () => done(true);
        const done = (ok: boolean) => {
          clearTimeout(timer);
          waiters.delete(onIdle);
          resolve(ok);
        };
        const timer = setTimeout(() => done(false), timeoutMs);
        waiters.add(onIdle);
      });
    },
    async close() {
      closed = true;
      for (const t of timers) clearInterval(t);
      dropAll();
      await new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
    },
  };
}
