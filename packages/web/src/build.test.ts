import { describe, expect, it } from "vitest";
import { buildWebAssets } from "../build.js";

describe("web assets build", () => {
  it("serves the pages, bundles, worklets, css and the face detector's files, and the pages link what exists", async () => {
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
        "/assets/face-worker.js",
        "/assets/double-bench.js",
        "/bench/double",
        "/assets/av-bench.js",
        "/bench/av",
        "/assets/ears-worker.js",
        "/assets/ears-bench.js",
        "/bench/ears",
        ...["blazeface", "facemesh", "iris"].flatMap((m) => [`/models/human/${m}.json`, `/models/human/${m}.bin`]),
        ...["", "-simd", "-threaded-simd"].map((v) => `/assets/tfjs-wasm/tfjs-backend-wasm${v}.wasm`),
      ].sort(),
    );
    expect(assets.get("/assets/tfjs-wasm/tfjs-backend-wasm-simd.wasm")?.contentType).toBe("application/wasm");
    // the kiosk page tells the detector where its models and wasm files are (served here, not from a CDN)
    const kiosk = new TextDecoder().decode(assets.get("/")?.body);
    expect(kiosk).toContain('data-face-models="/models/human/"');
    expect(kiosk).toContain('data-tfjs-wasm="/assets/tfjs-wasm/"');
    expect(kiosk).toMatch(/data-ears-worker="\/assets\/ears-worker\.js\?v=/);
    for (const page of ["/", "/console", "/bench/double", "/bench/av", "/bench/ears"]) {
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
