import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Visit } from "../../core/visit.js";
import { SinksConfig } from "../config.js";
import { buildSinks } from "../from-config.js";

const FAKE = fileURLToPath(new URL("../../testing/fakes/deep-live-cam-fake.mjs", import.meta.url));

async function until(pred: () => Promise<boolean>, ms = 4000): Promise<void> {
  const t0 = Date.now();
  while (!(await pred())) {
    if (Date.now() - t0 > ms) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

function visitInConversation(): Visit {
  const v = new Visit({ language: "en" });
  v.vault.put("photo", Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]));
  for (const phase of ["consent", "capture", "clone", "conversation"] as const) v.enter(phase);
  return v;
}

async function runsWithBudget(mode: "visit" | "visible") {
  const set = buildSinks(SinksConfig.parse({ deeplivecam: { path: FAKE } }), { deepLiveCam: mode })!;
  const visit = visitInConversation();
  set.forVisit(visit);
  const running = async () => ((await set.stats()).deeplivecam!.detail.runs as { running: boolean }[])[0]?.running === true;
  await until(running);
  visit.enter("farewell");
  return { set, visit, running };
}

describe("GPU budget: Deep-Live-Cam per visit phase", () => {
  it('"visible" stops the face swap when the double leaves the screen, before the visit is purged', async () => {
    const { set, visit, running } = await runsWithBudget("visible");
    await until(async () => !(await running()));
    expect(visit.phase).toBe("farewell");
    await visit.purge("test");
    await set.close();
  });

  it('"visit" keeps it running through the farewell until the purge', async () => {
    const { set, visit, running } = await runsWithBudget("visit");
    await new Promise((r) => setTimeout(r, 150));
    expect(await running()).toBe(true);
    await visit.purge("test");
    expect(await running()).toBe(false);
    await set.close();
  });
});
