import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ProviderError } from "../../core/errors.js";
import { float32ToInt16 } from "../../audio/pcm.js";
import { mixAt, noise, runVad } from "../../testing/contracts/vad.contract.js";
import { createEnergyVad } from "./energy/index.js";
import { withVadFallback } from "./fallback.js";
import { createSileroVad } from "./silero/index.js";

// a loud hiss: the energy VAD calls it speech, Silero does not, so the events tell which detector ran
const hiss = float32ToInt16(mixAt(noise(16 * 2500, -60), noise(16 * 600, -20, 9), 16 * 1000));
const types = (pcm: Int16Array, vad: { open(): Parameters<typeof runVad>[0] }) => runVad(vad.open(), pcm).map((e) => e.event.type);

describe("VAD fallback: Silero, else the energy VAD", () => {
  let dir = "";
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "mirror-vad-fallback-"));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("stays on Silero while it loads", async () => {
    const vad = withVadFallback(() => createSileroVad(), createEnergyVad());
    await vad.warmup();
    expect(vad.info.id).toBe("vad/silero");
    expect(types(hiss, vad)).toEqual([]);
    expect(vad.fallbackReason).toBeNull();
  });

  it("a corrupt model file (which would abort the process if loaded in it) falls back at warmup", async () => {
    const bad = join(dir, "corrupt.onnx");
    await writeFile(bad, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251)));
    const seen: ProviderError[] = [];
    const vad = withVadFallback(() => createSileroVad({ modelPath: bad }), createEnergyVad(), { onFallback: (e) => seen.push(e) });
    await vad.warmup();
    expect(vad.info.id).toBe("vad/energy");
    expect(types(hiss, vad)).toEqual(["speech-start", "speech-end"]);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.retryable).toBe(false);
    expect(seen[0]!.message).toContain(bad);
    const h = await vad.health();
    expect(h.ok).toBe(true);
    expect(h.detail).toContain("fallback");
  });

  it("a missing model falls back when a session is opened without warmup", () => {
    const vad = withVadFallback(() => createSileroVad({ modelPath: join(dir, "absent.onnx") }), createEnergyVad());
    expect(types(hiss, vad)).toEqual(["speech-start", "speech-end"]);
    expect(vad.fallbackReason?.message).toContain("not found");
  });

  it("a primary that cannot even be built falls back at once", () => {
    const vad = withVadFallback(() => {
      throw new Error("Cannot find module 'sherpa-onnx-node'");
    }, createEnergyVad());
    expect(vad.info.id).toBe("vad/energy");
    expect(vad.fallbackReason?.message).toContain("sherpa-onnx-node");
  });
});
