import { describe, expect, it } from "vitest";
import { PocketSphinxStt } from "../stages/stt/pocketsphinx/index.js";
import { loadConfig } from "./config.js";
import { buildProviders, closeProviders } from "./providers.js";

const env = {};
const build = (stt: Record<string, unknown>) => buildProviders(loadConfig({ env, overrides: { stages: { stt } } }), { env });

describe("stages.stt.pocketsphinx config", () => {
  it("the experience's phrases by default, none with boost: false; configured names join them", async () => {
    const d = buildProviders(loadConfig({ env }), { env });
    expect(d.stt).toBeInstanceOf(PocketSphinxStt);
    expect([...(d.stt as PocketSphinxStt).boostWords!]).toEqual(expect.arrayContaining(["live", "afraid"]));
    await closeProviders(d);
    const off = build({ pocketsphinx: { boost: false } });
    expect((off.stt as PocketSphinxStt).boostWords).toBeNull();
    await closeProviders(off);
    const p = build({ pocketsphinx: { boost: { names: ["saskia", "jorrit"] } } });
    const words = (p.stt as PocketSphinxStt).boostWords!;
    expect([...words]).toEqual(expect.arrayContaining(["saskia", "jorrit", "live", "afraid"]));
    await closeProviders(p);
    const own = build({ pocketsphinx: { boost: { phrases: ["front left", "rear right"] } } });
    expect([...(own.stt as PocketSphinxStt).boostWords!].sort()).toEqual(["front", "left", "rear", "right"]);
    await closeProviders(own);
  });

  it("rejects a weight outside (0, 1) and a name that is not a word", () => {
    expect(() => loadConfig({ env, overrides: { stages: { stt: { pocketsphinx: { boost: { weight: 1 } } } } } })).toThrow();
    expect(() => loadConfig({ env, overrides: { stages: { stt: { pocketsphinx: { boost: { names: ["a b"] } } } } } })).toThrow();
  });
});
