/** The two HTML pages; asset URLs carry a content hash so a restarted server never meets a stale cache. */

export interface KioskAssets {
  script: string;
  style: string;
  captureWorklet: string;
  playerWorklet: string;
  faceWorker: string;
  faceModels: string;
  tfjsWasm: string;
  /** Whisper's worker (the kiosk uses it when Mirror serves /ears/config.json) */
  earsWorker?: string;
}

export interface ConsoleAssets {
  script: string;
  style: string;
}

function attr(v: string): string {
  return v.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
}

function page(title: string, style: string, script: string, body: string, bodyAttrs = ""): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>${title}</title>
<link rel="stylesheet" href="${attr(style)}">
</head>
<body${bodyAttrs}>
${body}
<script type="module" src="${attr(script)}"></script>
</body>
</html>
`;
}

export function kioskHtml(a: KioskAssets): string {
  return page(
    "Mirror",
    a.style,
    a.script,
    `<main id="app"><noscript>Mirror needs JavaScript.</noscript></main>`,
    ` data-capture-worklet="${attr(a.captureWorklet)}" data-player-worklet="${attr(a.playerWorklet)}"` +
      ` data-face-worker="${attr(a.faceWorker)}" data-face-models="${attr(a.faceModels)}" data-tfjs-wasm="${attr(a.tfjsWasm)}"` +
      (a.earsWorker ? ` data-ears-worker="${attr(a.earsWorker)}"` : ""),
  );
}

export function consoleHtml(a: ConsoleAssets): string {
  return page("Mirror · console", a.style, a.script, `<div id="console"></div>`);
}

export interface BenchAssets {
  script: string;
  faceWorker: string;
  faceModels: string;
  tfjsWasm: string;
  /** the reply player's worklet (the A/V bench) */
  playerWorklet?: string;
  /** the mic's worklet and Whisper's worker (the ears bench) */
  captureWorklet?: string;
  earsWorker?: string;
}

/** The double alone (`/bench/double`): tests, screenshots and render benchmarks. */
export function benchHtml(a: BenchAssets): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Mirror · double</title>
<style>body{margin:0;background:#0a0a0d}canvas{display:block}</style></head>
<body data-face-worker="${attr(a.faceWorker)}" data-face-models="${attr(a.faceModels)}" data-tfjs-wasm="${attr(a.tfjsWasm)}" data-player-worklet="${attr(a.playerWorklet ?? "")}" data-capture-worklet="${attr(a.captureWorklet ?? "")}" data-ears-worker="${attr(a.earsWorker ?? "")}">
<script type="module" src="${attr(a.script)}"></script>
</body>
</html>
`;
}
