import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { decodeWav } from "../audio/wav.js";
import { runLoadTest, type LoadOptions } from "../bench/load.js";
import { loadPlotSvg, loadReportHtml, loadTableMarkdown } from "../bench/load-report.js";

const repoRoot = resolve(import.meta.dirname, "../../../..");
const list = (s: string) => s.split(",").map((x) => Number(x.trim())).filter((x) => Number.isInteger(x) && x > 0);

/**
 * mirror bench load [--tiny] [--scale 0.2] [--turns 6] [--booths 1,2,4,8,16] [--gpus 1,2,4] [--target 2000]
 *                   [--background 0] [--out bench/out]
 * Writes load.json, load.md, load.svg and load.html.
 */
export async function loadCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      tiny: { type: "boolean", default: false },
      scale: { type: "string" },
      turns: { type: "string" },
      booths: { type: "string" },
      gpus: { type: "string" },
      target: { type: "string" },
      background: { type: "string" },
      out: { type: "string" },
    },
  });
  const tiny = values.tiny ?? false;
  const wav = decodeWav(readFileSync(join(repoRoot, "fixtures/visitor-1/sample.wav")));
  const meta = JSON.parse(readFileSync(join(repoRoot, "fixtures/visitor-1/visitor.json"), "utf8")) as { sampleText: string };
  const options: LoadOptions = {
    boothCounts: list(values.booths ?? (tiny ? "1,4" : "1,2,4,8,16")),
    endpointCounts: list(values.gpus ?? (tiny ? "1,2" : "1,2,4")),
    turnsPerBooth: Number(values.turns ?? (tiny ? 2 : 6)),
    timeScale: Number(values.scale ?? (tiny ? 0.05 : 0.2)),
    // the seed-shaped profile's F5 (900 ms to first audio on an RTX 4090), one generation at a time per GPU
    gpu: { slots: 1, firstAudioMs: 900, rtf: 0.05 },
    llmFirstSentenceMs: 450,
    visitorTalkMs: [2_500, 6_000],
    sentencesPerReply: 3,
    targetP95Ms: Number(values.target ?? 2_000),
    background: Number(values.background ?? 0),
    sample: { pcm: wav.pcm, sampleRate: wav.sampleRate, transcript: meta.sampleText, language: "en" },
    onProgress: (line) => process.stderr.write(`${line}\n`),
  };
  const result = await runLoadTest(options);
  const out = resolve(values.out ?? "bench/out");
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, "load.json"), JSON.stringify(result, null, 2) + "\n");
  writeFileSync(join(out, "load.md"), loadTableMarkdown(result) + "\n");
  writeFileSync(join(out, "load.svg"), loadPlotSvg(result));
  writeFileSync(join(out, "load.html"), loadReportHtml(result));
  console.log(loadTableMarkdown(result));
  console.log(`\nwrote ${join(out, "load.{json,md,svg,html}")}`);
}
