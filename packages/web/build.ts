import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { build, type Plugin } from "esbuild";
import { benchHtml, consoleHtml, kioskHtml } from "./src/pages.js";

export interface WebAsset {
  contentType: string;
  body: Uint8Array;
}

/** Entry points, by output name; the worklets are their own bundles (an AudioWorklet loads one module). */
const ENTRIES = {
  kiosk: "src/kiosk/main.ts",
  console: "src/console/main.ts",
  "capture-worklet": "src/worklets/capture-worklet.ts",
  "player-worklet": "src/worklets/player-worklet.ts",
  "face-worker": "src/face/detect-worker.ts",
  "double-bench": "src/bench/double-bench.ts",
  "av-bench": "src/bench/av-bench.ts",
  "ears-worker": "src/ears/whisper-worker.ts",
  "ears-bench": "src/bench/ears-bench.ts",
  "kiosk-style": "src/kiosk/kiosk.css",
  "console-style": "src/console/console.css",
} as const;

const CONTENT_TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".html": "text/html; charset=utf-8",
  ".json": "application/json",
  ".bin": "application/octet-stream",
  ".wasm": "application/wasm",
};

/** Where the face detector's files are served (human's defaults point at a CDN, unreachable from a kiosk). */
export const FACE_MODELS_URL = "/models/human/";
export const TFJS_WASM_URL = "/assets/tfjs-wasm/";
/** Only the models the detector uses: blazeface (detection), facemesh (468 landmarks), iris (10 more). */
const FACE_MODELS = ["blazeface", "facemesh", "iris"];
const TFJS_WASM_FILES = ["tfjs-backend-wasm.wasm", "tfjs-backend-wasm-simd.wasm", "tfjs-backend-wasm-threaded-simd.wasm"];

/** The detector's models and the tfjs wasm binaries, read from their npm packages, by URL path. */
function faceDetectorFiles(): Map<string, WebAsset> {
  const require = createRequire(import.meta.url);
  // the package exports no package.json; its entry is dist/human.node.js, the models sit beside dist/
  const humanModels = join(dirname(dirname(require.resolve("@vladmandic/human"))), "models");
  const wasmDir = join(dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json")), "dist");
  const files = new Map<string, WebAsset>();
  const add = (url: string, path: string) => {
    const ext = url.slice(url.lastIndexOf("."));
    files.set(url, { contentType: CONTENT_TYPES[ext] ?? "application/octet-stream", body: new Uint8Array(readFileSync(path)) });
  };
  for (const m of FACE_MODELS) {
    add(`${FACE_MODELS_URL}${m}.json`, join(humanModels, `${m}.json`));
    add(`${FACE_MODELS_URL}${m}.bin`, join(humanModels, `${m}.bin`));
  }
  for (const f of TFJS_WASM_FILES) add(`${TFJS_WASM_URL}${f}`, join(wasmDir, f));
  return files;
}

/** onnxruntime-web's runtime for Whisper in the kiosk (the build transformers.js loads on WebGPU and WASM), by file name → path. */
export function browserSttRuntimeFiles(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const files = ["ort-wasm-simd-threaded.asyncify.mjs", "ort-wasm-simd-threaded.asyncify.wasm"];
  return Object.fromEntries(files.map((f) => [f, require.resolve(`onnxruntime-web/${f}`)]));
}

/**
 * zod's namespaces re-export every locale (~370 KB) and esbuild cannot drop them from a namespace object; the pages
 * only need the English messages zod installs by itself, so the locale index becomes an empty module.
 */
const dropZodLocales: Plugin = {
  name: "drop-zod-locales",
  setup(b) {
    b.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]/.test(args.importer) ? { path: "zod-locales", namespace: "empty" } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "empty" }, () => ({ contents: "export {};", loader: "js" }));
  },
};

/**
 * Bundles the kiosk, the console and the worklets in memory and returns URL path → asset:
 * `/`, `/console`, `/assets/{kiosk,console,capture-worklet,player-worklet,face-worker}.js`, `/assets/{kiosk,console}.css`,
 * and the face detector's models (`/models/human/*`) and wasm files (`/assets/tfjs-wasm/*`).
 */
export async function buildWebAssets(opts: { minify?: boolean } = {}): Promise<Map<string, WebAsset>> {
  const root = decodeURIComponent(new URL(".", import.meta.url).pathname);
  const outdir = `${root}out`;
  const result = await build({
    absWorkingDir: root,
    entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, path]) => [name, `${root}${path}`])),
    outdir,
    entryNames: "[name]",
    bundle: true,
    write: false,
    format: "esm",
    target: "es2022",
    platform: "browser",
    minify: opts.minify ?? false,
    legalComments: "none",
    logLevel: "silent",
    plugins: [dropZodLocales],
  });

  const assets = new Map<string, WebAsset>();
  const versioned = new Map<string, string>();
  for (const file of result.outputFiles) {
    const name = file.path.slice(outdir.length + 1).replace(/^(kiosk|console)-style\.css$/, "$1.css");
    const url = `/assets/${name}`;
    const ext = name.slice(name.lastIndexOf("."));
    assets.set(url, { contentType: CONTENT_TYPES[ext] ?? "application/octet-stream", body: file.contents });
    versioned.set(url, `${url}?v=${encodeURIComponent(file.hash)}`);
  }
  const v = (url: string): string => {
    const u = versioned.get(url);
    if (!u) throw new Error(`web build produced no ${url}`);
    return u;
  };

  const encoder = new TextEncoder();
  const html = (text: string): WebAsset => ({ contentType: CONTENT_TYPES[".html"] ?? "text/html", body: encoder.encode(text) });
  assets.set(
    "/",
    html(
      kioskHtml({
        script: v("/assets/kiosk.js"),
        style: v("/assets/kiosk.css"),
        captureWorklet: v("/assets/capture-worklet.js"),
        playerWorklet: v("/assets/player-worklet.js"),
        faceWorker: v("/assets/face-worker.js"),
        faceModels: FACE_MODELS_URL,
        tfjsWasm: TFJS_WASM_URL,
        earsWorker: v("/assets/ears-worker.js"),
      }),
    ),
  );
  for (const [url, file] of faceDetectorFiles()) assets.set(url, file);
  assets.set(
    "/bench/double",
    html(
      benchHtml({
        script: v("/assets/double-bench.js"),
        faceWorker: v("/assets/face-worker.js"),
        faceModels: FACE_MODELS_URL,
        tfjsWasm: TFJS_WASM_URL,
      }),
    ),
  );
  assets.set(
    "/bench/av",
    html(
      benchHtml({
        script: v("/assets/av-bench.js"),
        faceWorker: v("/assets/face-worker.js"),
        faceModels: FACE_MODELS_URL,
        tfjsWasm: TFJS_WASM_URL,
        playerWorklet: v("/assets/player-worklet.js"),
      }),
    ),
  );
  assets.set(
    "/bench/ears",
    html(
      benchHtml({
        script: v("/assets/ears-bench.js"),
        faceWorker: v("/assets/face-worker.js"),
        faceModels: FACE_MODELS_URL,
        tfjsWasm: TFJS_WASM_URL,
        captureWorklet: v("/assets/capture-worklet.js"),
        earsWorker: v("/assets/ears-worker.js"),
      }),
    ),
  );
  assets.set("/console", html(consoleHtml({ script: v("/assets/console.js"), style: v("/assets/console.css") })));
  return assets;
}
