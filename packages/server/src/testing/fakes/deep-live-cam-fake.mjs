#!/usr/bin/env node
// A stand-in for Deep-Live-Cam's run.py: takes the same flags, checks the source face exists and is readable,
// prints progress with an fps figure like the real tool, and runs until terminated (or exits with
// FAKE_DLC_EXIT_AFTER_MS / FAKE_DLC_EXIT_CODE to test restarts). FAKE_DLC_LOG gets one JSON line per start.
import { appendFileSync, readFileSync } from "node:fs";

const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const source = flag("-s") ?? flag("--source");
if (!source) {
  console.error("error: -s/--source is required");
  process.exit(2);
}
const bytes = readFileSync(source);
if (process.env.FAKE_DLC_LOG) appendFileSync(process.env.FAKE_DLC_LOG, JSON.stringify({ pid: process.pid, args, sourceBytes: bytes.length }) + "\n");
let frames = 0;
const timer = setInterval(() => {
  frames += 5;
  console.log(`[DLC.FACE-SWAPPER] Processing frame ${frames} | ${(18 + (frames % 3) * 0.5).toFixed(1)} fps`);
}, 50);
process.on("SIGTERM", () => {
  clearInterval(timer);
  process.exit(0);
});
const after = Number(process.env.FAKE_DLC_EXIT_AFTER_MS ?? 0);
if (after > 0) setTimeout(() => process.exit(Number(process.env.FAKE_DLC_EXIT_CODE ?? 1)), after);
