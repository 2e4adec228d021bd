import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.js";

describe("gpuBudget config", () => {
  it("is off by default: no renderer cap, Deep-Live-Cam for the whole visit", () => {
    const c = loadConfig({ env: {} });
    expect(c.gpuBudget).toEqual({ deepLiveCam: "visit" });
  });

  it("takes a renderer cap and the visible-only face swap", () => {
    const c = loadConfig({ env: {}, overrides: { gpuBudget: { rendererMaxFpsWhileSpeaking: 24, deepLiveCam: "visible" } } });
    expect(c.gpuBudget).toEqual({ rendererMaxFpsWhileSpeaking: 24, deepLiveCam: "visible" });
  });

  it("rejects a cap that is not a frame rate, with the path in the message", () => {
    expect(() => loadConfig({ env: {}, overrides: { gpuBudget: { rendererMaxFpsWhileSpeaking: 0 } } })).toThrow(ConfigError);
    expect(() => loadConfig({ env: {}, overrides: { gpuBudget: { deepLiveCam: "sometimes" } } })).toThrow(/gpuBudget\.deepLiveCam/);
  });
});
