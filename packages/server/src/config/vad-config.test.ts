import { describe, expect, it } from "vitest";
import { loadConfig } from "./config.js";
import { buildProviders, closeProviders } from "./providers.js";

const env = {};
const build = (vad: Record<string, unknown>, log?: (line: string) => void) =>
  buildProviders(loadConfig({ env, overrides: { stages: { vad } } }), { env, ...(log ? { log } : {}) });

describe("stages.vad config", () => {
  it("energy by default; silero on request, with its threshold and minimum speech validated", async () => {
    const d = buildProviders(loadConfig({ env }), { env });
    expect(d.vad.info.id).toBe("vad/energy");
    await closeProviders(d);
    const p = build({ provider: "silero", silero: { threshold: 0.6, minSpeechMs: 96 } });
    expect(p.vad.info.id).toBe("vad/silero");
    await closeProviders(p);
    expect(() => loadConfig({ env, overrides: { stages: { vad: { provider: "silero", silero: { threshold: 1.5 } } } } })).toThrow();
    expect(() => loadConfig({ env, overrides: { stages: { vad: { provider: "webrtc" } } } })).toThrow();
  });

  it("silero with a model that is not there falls back to the energy VAD and says so in the log", async () => {
    const lines: string[] = [];
    const p = build({ provider: "silero", silero: { modelPath: "/nonexistent/silero.onnx" } }, (l) => lines.push(l));
    await p.vad.warmup?.();
    expect(p.vad.info.id).toBe("vad/energy");
    expect(lines.join("\n")).toMatch(/vad: silero → energy .*not found/);
    await closeProviders(p);
  });
});
