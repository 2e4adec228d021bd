/**
 * A fake `f5-tts_infer-cli` executable: takes the real CLI's arguments (-r -s -t -o -w, --nfe_step,
 * --speed), checks the reference is a readable WAV, waits like a model load, writes a 24 kHz WAV to
 * <output_dir>/<output_file>, exits 0 (or 1 with a message on bad arguments).
 */
import { chmod, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

const SCRIPT = String.raw`#!/usr/bin/env node
const fs = require("node:fs");
const path = require("node:path");
const argv = process.argv.slice(2);
const arg = (short, long) => { const i = argv.findIndex((a) => a === short || a === long); return i >= 0 ? argv[i + 1] : undefined; };
if (argv.includes("--help")) { console.log("usage: f5-tts_infer-cli [-r REF] [-s TEXT] [-t TEXT] [-o DIR] [-w FILE]"); process.exit(0); }
const ref = arg("-r", "--ref_audio"), refText = arg("-s", "--ref_text"), gen = arg("-t", "--gen_text");
const outDir = arg("-o", "--output_dir") || "tests", outFile = arg("-w", "--output_file") || "infer_cli_out.wav";
if (!ref || !fs.existsSync(ref)) { console.error("FileNotFoundError: reference audio " + ref); process.exit(1); }
if (fs.readFileSync(ref).subarray(0, 4).toString() !== "RIFF") { console.error("reference is not a WAV"); process.exit(1); }
if (refText === undefined || !gen) { console.error("missing -s or -t"); process.exit(1); }
const delay = Number(process.env.FAKE_F5_CLI_DELAY_MS || 50);
setTimeout(() => {
  const sr = 24000, n = Math.max(0.3, gen.trim().length * 0.065) * sr | 0;
  const buf = Buffer.alloc(44 + n * 2);
  buf.write("RIFF", 0); buf.writeUInt32LE(36 + n * 2, 4); buf.write("WAVEfmt ", 8); buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20); buf.writeUInt16LE(1, 22); buf.writeUInt32LE(sr, 24); buf.writeUInt32LE(sr * 2, 28);
  buf.writeUInt16LE(2, 32); buf.writeUInt16LE(16, 34); buf.write("data", 36); buf.writeUInt32LE(n * 2, 40);
  let ph = 0;
  for (let i = 0; i < n; i++) { const t = i / sr; ph += 2 * Math.PI * 140 / sr; let v = 0; for (let h = 1; h <= 8; h++) v += Math.sin(h * ph) / h;
    buf.writeInt16LE(Math.round(0.18 * v * (0.5 - 0.5 * Math.cos(2 * Math.PI * 4 * t)) * 32767), 44 + i * 2); }
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, outFile), buf);
}, delay);
`;

/** Writes the fake CLI into a new temp dir; returns its path. */
export async function writeFakeF5Cli(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "fake-f5-cli-"));
  const file = join(dir, "f5-tts_infer-cli");
  await writeFile(file, SCRIPT.replace("#!/usr/bin/env node", `#!${process.execPath}`).replace(/^/, ""), "utf8");
  await chmod(file, 0o755);
  return file;
}
