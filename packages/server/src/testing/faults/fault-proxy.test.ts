import { createServer, type Server } from "node:http";
import { connect, createServer as createTcpServer, type Server as TcpServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closedPort, listenLoopback, startHttpFaultProxy, startTcpFaultProxy, type HttpFaultProxy, type TcpFaultProxy } from "./index.js";

const BODY = "0123456789".repeat(10);

describe("HTTP fault proxy", () => {
  let upstream: Server;
  let proxy: HttpFaultProxy;
  beforeAll(async () => {
    upstream = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { "content-type": "text/plain", "content-length": BODY.length });
      res.end(BODY);
    });
    const port = await listenLoopback(upstream);
    proxy = await startHttpFaultProxy(`http://127.0.0.1:${port}`);
  });
  afterAll(async () => {
    await proxy.close();
    upstream.closeAllConnections();
    await new Promise((r) => upstream.close(r));
  });

  it("passes through when healthy, and only faults the requests it matches", async () => {
    await proxy.set({ kind: "status", status: 503, retryAfterS: 2 }, (r) => r.path === "/bad");
    expect(await (await fetch(`${proxy.url}/good`)).text()).toBe(BODY);
    const bad = await fetch(`${proxy.url}/bad`);
    expect(bad.status).toBe(503);
    expect(bad.headers.get("retry-after")).toBe("2");
    expect(((await bad.json()) as { error: { code: number } }).error.code).toBe(503);
  });

  it("refuses connections while 'refused' is set, and listens on the same port again after", async () => {
    await proxy.set({ kind: "refused" });
    await expect(fetch(`${proxy.url}/`)).rejects.toThrow();
    await proxy.set({ kind: "none" });
    expect((await fetch(`${proxy.url}/`)).status).toBe(200);
  });

  it("cuts a body after N bytes, and the client sees the break", async () => {
    await proxy.set({ kind: "truncate", afterBytes: 7 });
    const res = await fetch(`${proxy.url}/`);
    await expect(res.text()).rejects.toThrow();
  });

  it("dribbles a slow-loris body and sees the client hang up", async () => {
    await proxy.set({ kind: "slow-loris", intervalMs: 30 });
    const controller = new AbortController();
    const res = await fetch(`${proxy.url}/`, { signal: controller.signal });
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(first.value?.length).toBe(1);
    expect(proxy.stats.open).toBe(1);
    controller.abort();
    expect(await proxy.settled(1_000)).toBe(true);
  });

  it("holds a hung request open until the client gives up", async () => {
    await proxy.set({ kind: "hang" });
    await expect(fetch(`${proxy.url}/`, { signal: AbortSignal.timeout(150) })).rejects.toThrow();
    expect(await proxy.settled(1_000)).toBe(true);
  });

  it("serves a malformed 200 body", async () => {
    await proxy.set({ kind: "malformed", contentType: "text/html", body: "<html>portal</html>" });
    const res = await fetch(`${proxy.url}/`);
    expect(res.headers.get("content-type")).toBe("text/html");
    expect(await res.text()).toBe("<html>portal</html>");
  });
});

describe("TCP fault proxy", () => {
  let upstream: TcpServer;
  let proxy: TcpFaultProxy;
  beforeAll(async () => {
    upstream = createTcpServer((s) => s.on("data", (d) => s.write(Buffer.concat([d, Buffer.from("-reply")]))));
    proxy = await startTcpFaultProxy({ host: "127.0.0.1", port: await listenLoopback(upstream) });
  });
  afterAll(async () => {
    await proxy.close();
    await new Promise((r) => upstream.close(r));
  });

  const exchange = (text: string, ms = 300): Promise<string> =>
    new Promise((resolve, reject) => {
      const s = connect({ host: proxy.host, port: proxy.port });
      let got = "";
      const timer = setTimeout(() => {
        s.destroy();
        resolve(`timeout:${got}`);
      }, ms);
      s.on("data", (d) => (got += d.toString()));
      s.on("close", () => {
        clearTimeout(timer);
        resolve(got);
      });
      s.on("error", (e) => {
        clearTimeout(timer);
        reject(e);
      });
      s.write(text);
    });

  it("passes, truncates, hangs and refuses", async () => {
    await proxy.set({ kind: "truncate", afterBytes: 4 });
    expect(await exchange("ping")).toBe("ping");
    await proxy.set({ kind: "hang" });
    expect(await exchange("ping", 150)).toBe("timeout:");
    await proxy.set({ kind: "refused" });
    await expect(exchange("ping")).rejects.toThrow(/ECONNREFUSED/);
    await proxy.set({ kind: "none" });
    expect(await exchange("ping", 150)).toBe("timeout:ping-reply");
    expect(await proxy.settled(1_000)).toBe(true);
  });

  it("a closed port refuses", async () => {
    const port = await closedPort();
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
  });
});
