import { existsSync, readFileSync, statSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Visit } from "../../core/visit.js";
import { DeepLiveCamRun } from "./supervisor.js";

const FAKE = fileURLToPath(new URL("../../testing/fakes/deep-live-cam-fake.mjs", import.meta.url));
const PHOTO = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4, 5, 6, 7, 8]);

async function until(pred: () => boolean, ms = 3000): Promise<void> {
  const t0 = Date.now();
  while (!pred()) {
    if (Date.now() - t0 > ms) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}

function visitWithPhoto(): Visit {
  const v = new Visit({ language: "en" });
  v.vault.put("photo", PHOTO.slice());
  return v;
}

const readLog = (p: string) => (existsSync(p) ? readFileSync(p, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as { pid: number; args: string[]; sourceBytes: number }) : []);

describe("Deep-Live-Cam adapter", () => {
  it("starts with a private copy of the visitor's photo, reports fps, and purge stops it and deletes the copy", async () => {
    const log = join(mkdtempSync(join(tmpdir(), "dlc-test-")), "starts.jsonl");
    const visit = visitWithPhoto();
    const run = new DeepLiveCamRun({ path: FAKE, executionProvider: "cuda", env: { FAKE_DLC_LOG: log } });
    await run.start(visit);
    await until(() => run.stats.fps !== null && readLog(log).length === 1);
    const [start] = readLog(log);
    expect(start!.args.slice(0, 2)).toEqual(["-s", run.photoPath]);
    expect(start!.args).toEqual(expect.arrayContaining(["--execution-provider", "cuda", "--frame-processor", "face_swapper"]));
    expect(start!.sourceBytes).toBe(PHOTO.length);
    expect(statSync(run.photoPath!).mode & 0o077).toBe(0);
    expect(run.stats.fps).toBeGreaterThan(10);
    expect(run.stats.running).toBe(true);

    const record = await visit.purge("test");
    expect(run.stats.running).toBe(false);
    expect(existsSync(run.photoPath!)).toBe(false);
    expect(record.tempFilesDeleted).toBeGreaterThanOrEqual(1);
    expect(record.providersNotified).toContain("sink/deeplivecam");
    expect(() => process.kill(start!.pid, 0)).toThrow();
  });

  it("restarts it when it dies, up to a limit", async () => {
    const log = join(mkdtempSync(join(tmpdir(), "dlc-test-")), "starts.jsonl");
    const visit = visitWithPhoto();
    const run = new DeepLiveCamRun({ path: FAKE, maxRestarts: 2, restartDelayMs: 20, env: { FAKE_DLC_LOG: log, FAKE_DLC_EXIT_AFTER_MS: "80" } });
    await run.start(visit);
    await until(() => run.stats.starts === 3 && !run.stats.running, 8000);
    await new Promise((r) => setTimeout(r, 200));
    expect(run.stats.restarts).toBe(2);
    expect(run.stats.starts).toBe(3);
    expect(readLog(log)).toHaveLength(3);
    expect(run.stats.lastExit).toBe("exit 1");
    await visit.purge("test");
  });
});
