/**
 * Deep-Live-Cam faults, with the stand-in process: it dies, it hangs (silent and deaf to SIGTERM), it never starts.
 * The supervisor restarts what can be restarted, gives up on what cannot, never throws into the visit, and its
 * health says which it is. Times to recover are printed for docs/operations.md.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { ProviderError } from "../../core/errors.js";
import { Visit } from "../../core/visit.js";
import { SinksConfig } from "../config.js";
import { buildSinks } from "../from-config.js";
import { DeepLiveCamRun } from "./supervisor.js";

const FAKE = fileURLToPath(new URL("../../testing/fakes/deep-live-cam-fake.mjs", import.meta.url));
const PHOTO = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4, 5, 6, 7, 8]);

async function until(pred: () => boolean, ms = 8000): Promise<number> {
  const t0 = performance.now();
  while (!pred()) {
    if (performance.now() - t0 > ms) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
  return performance.now() - t0;
}

function visitWithPhoto(): Visit {
  const v = new Visit({ language: "en" });
  v.vault.put("photo", PHOTO.slice());
  return v;
}

const startsLog = () => join(mkdtempSync(join(tmpdir(), "dlc-faults-")), "starts.jsonl");
const times: string[] = [];
afterAll(() => console.log(`deeplivecam faults (fault → printing fps again):\n${times.join("\n")}`));

describe("Deep-Live-Cam faults", () => {
  it("dies: restarted, health down meanwhile, then up again", async () => {
    const visit = visitWithPhoto();
    const run = new DeepLiveCamRun({ path: FAKE, restartDelayMs: 200, env: { FAKE_DLC_LOG: startsLog(), FAKE_DLC_EXIT_AFTER_MS: "300", FAKE_DLC_FAULT_ONCE: "1" } });
    await run.start(visit);
    await until(() => run.stats.fps !== null);
    await until(() => !run.stats.running);
    const t0 = performance.now();
    expect((await run.health()).ok).toBe(false);
    expect(run.stats.lastError).toBeInstanceOf(ProviderError);
    run.stats.fps = null;
    await until(() => run.stats.fps !== null);
    times.push(`dies: ${Math.round(performance.now() - t0)} ms (restart delay 200 ms; default 1 s)`);
    expect(run.stats.restarts).toBe(1);
    expect(await run.health()).toMatchObject({ ok: true, detail: expect.stringMatching(/running, [\d.]+ fps, 1 restarts/) });
    await visit.purge("test");
    expect(run.stats.running).toBe(false);
  }, 20_000);

  it("hangs (silent, deaf to SIGTERM): killed after the stall time and restarted", async () => {
    const visit = visitWithPhoto();
    const run = new DeepLiveCamRun({ path: FAKE, restartDelayMs: 50, stallAfterMs: 400, env: { FAKE_DLC_LOG: startsLog(), FAKE_DLC_HANG_AFTER_MS: "300", FAKE_DLC_FAULT_ONCE: "1" } });
    await run.start(visit);
    await until(() => run.stats.fps !== null);
    const t0 = performance.now();
    await until(() => run.stats.lastExit === "signal SIGKILL");
    expect(run.stats.lastError?.message).toMatch(/no output for 400 ms|stopped \(signal SIGKILL\)/);
    run.stats.fps = null;
    await until(() => run.stats.fps !== null);
    times.push(`hangs: ${Math.round(performance.now() - t0)} ms (stall time 400 ms; default 15 s)`);
    expect(run.stats.restarts).toBe(1);
    expect((await run.health()).ok).toBe(true);
    await visit.purge("test");
    expect(run.stats.running).toBe(false);
  }, 20_000);

  it("never starts (not installed): not retried, no exception into the visit, the console's health says why", async () => {
    const visit = visitWithPhoto();
    const t0 = performance.now();
    const sinks = buildSinks(SinksConfig.parse({ deeplivecam: { path: join(tmpdir(), "no-such-deep-live-cam", "run") } }));
    const run = sinks?.forVisit(visit).find((s) => s instanceof DeepLiveCamRun);
    if (!run) throw new Error("no Deep-Live-Cam sink");
    await until(() => run.stats.lastError !== null && !run.stats.running);
    expect(await sinks?.healthSources()["sink/deeplivecam"]?.health?.()).toMatchObject({ ok: false, detail: expect.stringMatching(/cannot start .*ENOENT/) });
    times.push(`never starts: reported in ${Math.round(performance.now() - t0)} ms, not retried`);
    await new Promise((r) => setTimeout(r, 100));
    expect(run.stats.restarts).toBe(0);
    expect(run.stats.lastError?.retryable).toBe(false);
    expect(await run.health()).toMatchObject({ ok: false, detail: expect.stringMatching(/cannot start .*ENOENT/) });
    const record = await visit.purge("test");
    expect(record.verified).toBe(true);
  }, 20_000);
});
