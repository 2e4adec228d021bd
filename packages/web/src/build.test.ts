import { describe, expect, it } from "vitest";
import { buildWebAssets } from "../build.js";

describe("web assets build", () => {
  it("serves both pages, both bundles, both worklets and the css, and the pages link what exists", async () => {
    const assets = await buildWebAssets();
    expect([...assets.keys()].sort()).toEqual(
      [
        "/",
        "/console",
        "/assets/kiosk.js",
        "/assets/console.js",
        "/assets/capture-worklet.js",
        "/assets/player-worklet.js",
        "/assets/kiosk.css",
        "/assets/console.css",
      ].sort(),
    );
    for (const page of ["/", "/console"]) {
      const html = new TextDecoder().decode(assets.get(page)?.body);
      expect(assets.get(page)?.contentType).toMatch(/^text\/html/);
      const refs = [...html.matchAll(/"(\/assets\/[^"?]+)\?v=[^"]+"/g)].map((m) => m[1] ?? "");
      expect(refs.length).toBeGreaterThanOrEqual(2);
      for (const ref of refs) expect(assets.has(ref), ref).toBe(true);
    }
    expect(assets.get("/assets/kiosk.js")?.contentType).toMatch(/^text\/javascript/);
    // the worklets are standalone modules: no imports left, and they register their processors
    const worklet = new TextDecoder().decode(assets.get("/assets/player-worklet.js")?.body);
    expect(worklet).not.toMatch(/^import /m);
    expect(worklet).toContain("registerProcessor(");
  });
});
