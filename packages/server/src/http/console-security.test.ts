import { mkdtempSync, rmSync, statSync, writeFileSync, chmodSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KioskClient } from "../testing/kiosk-client.js";
import { fixtureVisitor, startTestServer, type TestServer } from "../testing/test-server.js";
import { receiptCode } from "../observers/receipts.js";
import { resolveConsoleToken } from "./console-token.js";

const TOKEN = "test-console-token-0123456789";

/** A raw request (fetch forbids setting Origin and Host). */
function raw(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? "GET", headers: opts.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    req.end(opts.body);
  });
}

describe("console token", () => {
  let dir = "";
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "mirror-token-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("is generated once into a 0600 file, then read back; MIRROR_CONSOLE_TOKEN wins", () => {
    const first = resolveConsoleToken({ env: {}, configDir: join(dir, "cfg") });
    expect(first.source).toBe("generated");
    expect(first.token.length).toBeGreaterThanOrEqual(32);
    expect(statSync(first.file ?? "").mode & 0o777).toBe(0o600);
    const again = resolveConsoleToken({ env: {}, configDir: join(dir, "cfg") });
    expect(again).toMatchObject({ source: "file", token: first.token });
    expect(resolveConsoleToken({ env: { MIRROR_CONSOLE_TOKEN: TOKEN }, configDir: join(dir, "cfg") })).toMatchObject({ source: "env", token: TOKEN });
    expect(() => resolveConsoleToken({ env: { MIRROR_CONSOLE_TOKEN: "short" } })).toThrow(/at least/);
  });

  it("a token file others can read is tightened to 0600", () => {
    const cfg = join(dir, "loose");
    resolveConsoleToken({ env: {}, configDir: cfg });
    chmodSync(join(cfg, "console-token"), 0o644);
    resolveConsoleToken({ env: {}, configDir: cfg });
    expect(statSync(join(cfg, "console-token")).mode & 0o777).toBe(0o600);
    writeFileSync(join(cfg, "console-token"), "tiny\n");
    expect(resolveConsoleToken({ env: {}, configDir: cfg }).source).toBe("generated");
  });
});

describe("a locked console, a kiosk that only runs visits", () => {
  let t: TestServer;
  let url = "";
  const assets = new Map(
    ["/", "/console", "/assets/console.js", "/assets/console.css", "/assets/kiosk.js"].map((p) => [p, { contentType: "text/plain", body: new TextEncoder().encode(`asset ${p}`) }]),
  );
  beforeAll(async () => {
    t = await startTestServer({ assets, server: { consoleToken: TOKEN, allowedOrigins: ["https://booth.example"] } });
    url = t.server.url;
  });
  afterAll(() => t.close());

  it("serves the kiosk to anyone, the console and its API only with the token", async () => {
    expect((await raw(`${url}/`)).status).toBe(200);
    expect((await raw(`${url}/assets/kiosk.js`)).status).toBe(200);
    for (const p of ["/console", "/assets/console.js", "/assets/console.css", "/api/console/status", "/api/metrics", "/api/console/events"]) {
      expect((await raw(`${url}${p}`)).status, p).toBe(401);
      expect((await raw(`${url}${p}`, { headers: { authorization: "Bearer wrong-token-wrong-token" } })).status, p).toBe(401);
    }
    expect((await raw(`${url}/console?token=nope`)).status).toBe(401);
    const login = await raw(`${url}/console?token=${TOKEN}`);
    expect(login.status).toBe(303);
    expect(login.headers.location).toBe("/console");
    const cookie = String(login.headers["set-cookie"]);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const jar = cookie.split(";")[0] ?? "";
    expect((await raw(`${url}/console`, { headers: { cookie: jar } })).body).toBe("asset /console");
    const status = await raw(`${url}/api/console/status`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(status.status).toBe(200);
    expect(JSON.parse(status.body)).toMatchObject({ paused: false, visits: [], system: { cores: expect.any(Number) as number } });
    expect(JSON.parse((await raw(`${url}/api/health`)).body)).toEqual({ ok: true });
  });

  it("refuses WebSockets from foreign origins and DNS-rebinding hosts; allows its own and listed origins", async () => {
    const host = new URL(url).host;
    await expect(KioskClient.connect(url, { origin: "http://evil.example" })).rejects.toThrow(/403/);
    await expect(KioskClient.connect(url, { origin: "http://evil.example:80", host: "evil.example:80" })).rejects.toThrow(/403/);
    for (const headers of [{ origin: `http://${host}` }, { origin: "https://booth.example" }, {}] as Record<string, string>[]) {
      const k = await KioskClient.connect(url, headers);
      await k.next("visit");
      await k.close();
    }
    expect(t.logs.some((l) => l.includes("foreign origin"))).toBe(true);
  });

  it("CORS: only a listed origin gets the header; a foreign one cannot call the API even with the token", async () => {
    const pre = await raw(`${url}/api/console/status`, { method: "OPTIONS", headers: { origin: "https://booth.example" } });
    expect(pre.status).toBe(204);
    expect(pre.headers["access-control-allow-origin"]).toBe("https://booth.example");
    expect((await raw(`${url}/api/console/status`, { method: "OPTIONS", headers: { origin: "http://evil.example" } })).status).toBe(403);
    const foreign = await raw(`${url}/api/console/control`, {
      method: "POST",
      headers: { origin: "http://evil.example", authorization: `Bearer ${TOKEN}`, "content-type": "text/plain" },
      body: JSON.stringify({ action: "pause" }),
    });
    expect(foreign.status).toBe(403);
    expect(t.server.installation.paused).toBe(false);
    const own = await raw(`${url}/api/console/status`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(own.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("controls: pause turns new visitors away kindly, resume lets them in, end-visit purges, skip-phase moves the script on", async () => {
    const control = (body: unknown) =>
      raw(`${url}/api/console/control`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body: JSON.stringify(body) });
    expect((await control({ action: "explode" })).status).toBe(400);
    expect((await control({ action: "end-visit", visitId: "nobody" })).status).toBe(404);
    expect((await raw(`${url}/api/console/control`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}` }, body: "x".repeat(10_000) })).status).toBe(413);

    expect((await control({ action: "pause" })).status).toBe(200);
    const k = await KioskClient.connect(url);
    await k.next("visit");
    k.send({ type: "consent", accepted: true });
    expect((await k.next("error", { where: (m) => m.code === "paused" })).message).toMatch(/resting/);
    expect(t.server.sessions.size).toBe(1);
    expect([...t.server.sessions][0]?.visit.phase).toBe("attract");
    expect((await control({ action: "resume" })).status).toBe(200);

    const v = fixtureVisitor();
    const visitId = await k.startVisit(v.photo, v.sample);
    const skipped = JSON.parse((await control({ action: "skip-phase", visitId })).body) as { message: string };
    expect(skipped.message).toMatch(/^next reply: (?!greeting)/);
    const status = JSON.parse((await raw(`${url}/api/console/status`, { headers: { authorization: `Bearer ${TOKEN}` } })).body) as { visits: { visitId: string; phase: string }[] };
    expect(status.visits).toEqual([expect.objectContaining({ visitId, phase: "conversation" })]);
    expect((await control({ action: "end-visit", visitId })).status).toBe(200);
    const purged = await k.next("purged");
    expect(purged.record).toMatchObject({ visitId, reason: "operator", verified: true });
    // the farewell's receipt code, checkable by the operator (token only), naming sizes and hashes, never content
    const code = purged.receipt ?? "";
    expect(code).toBe(receiptCode(purged.record));
    const check = await raw(`${url}/api/console/receipt/${code.slice(0, 5).toLowerCase()}-${code.slice(5)}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(check.status).toBe(200);
    expect(JSON.parse(check.body)).toMatchObject({ ok: true, code, matches: true, record: { visitId, verified: true } });
    expect((await raw(`${url}/api/console/receipt/${code}`)).status).toBe(401);
    const other = code.startsWith("A") ? `B${code.slice(1)}` : `A${code.slice(1)}`;
    expect((await raw(`${url}/api/console/receipt/${other}`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
    await k.close();
  });
});
