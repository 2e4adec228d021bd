import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { fixtureVoiceSample, synthesizeAll } from "../../../testing/contracts/tts.contract.js";
import { createF5SidecarTts } from "./sidecar-tts.js";

const fakeScript = fileURLToPath(new URL("../../../testing/fakes/f5-sidecar-fake.ts", import.meta.url));

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
  const addr = s.address();
  await new Promise<void>((r) => s.close(() => r()));
  return typeof addr === "object" && addr ? addr.port : 0;
}

describe("F5 sidecar supervised by Mirror", () => {
  const closers: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of closers) await c();
  });

  it("starts the sidecar, restarts it when it dies, and re-registers the visit's voice", async () => {
    const port = await freePort();
    const logs: string[] = [];
    const tts = createF5SidecarTts({
      url: `http://127.0.0.1:${port}`,
      launch: { command: process.execPath, args: ["--import", "tsx", fakeScript, "--port", String(port)], backoffMs: 100, startTimeoutMs: 20_000, onLog: (l) => logs.push(l) },
    });
    closers.push(async () => tts.close?.());
    await tts.warmup?.();
    expect((await tts.health?.())?.ok).toBe(true);
    const voice = await tts.cloneVoice(fixtureVoiceSample(), new AbortController().signal);
    expect((await synthesizeAll(tts, "Hello there, friend.", voice)).pcm.length).toBeGreaterThan(10_000);

    process.kill(await sidecarPid(port), "SIGKILL");
    await new Promise((r) => setTimeout(r, 300));
    const again = await synthesizeAll(tts, "Still here, with your voice.", voice, undefined, undefined, 20_000);
    expect(again.pcm.length).toBeGreaterThan(10_000);
    expect(logs.some((l) => l.includes("restarting"))).toBe(true);
    await tts.close?.();
    expect((await tts.health?.())?.ok).toBe(false);
  }, 40_000);
});

/** The pid listening on the port (from /proc, Linux). */
async function sidecarPid(port: number): Promise<number> {
  const { readFileSync, readdirSync, readlinkSync } = await import("node:fs");
  const hex = port.toString(16).toUpperCase().padStart(4, "0");
  const line = readFileSync("/proc/net/tcp", "utf8").split("\n").find((l) => l.includes(`:${hex} 00000000:0000 0A`));
  const inode = line?.trim().split(/\s+/)[9];
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) if (readlinkSync(`/proc/${pid}/fd/${fd}`) === `socket:[${inode}]`) return Number(pid);
    } catch {
      // not ours to read
    }
  }
  throw new Error(`nobody listens on ${port}`);
}
