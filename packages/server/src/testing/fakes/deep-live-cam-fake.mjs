#!/usr/bin/env node
// A stand-in for Deep-Live-Cam's run.py: takes the same flags, checks the source face exists and is readable,
// prints progress with an fps figure like the real tool, and runs until terminated (or exits with
// FAKE_DLC_EXIT_AFTER_MS / FAKE_DLC_EXIT_CODE to test restarts, or hangs after FAKE_DLC_HANG_AFTER_MS: silent, deaf
// to SIGTERM, as a stuck GPU call leaves it; only the first start when FAKE_DLC_FAULT_ONCE is set). FAKE_DLC_LOG gets
// one JSON line per start.
import { appendFileSync, existsSync, readFileSync } from "node:fs";

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
const log = process.env.FAKE_DLC_LOG;
const earlierStarts = log && existsSync(log) ? readFileSync(log, "utf8").split("\n").filter(Boolean).length : 0;
const faulty = !process.env.FAKE_DLC_FAULT_ONCE || earlierStarts === 0;
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
const hangAfter = Number(process.env.FAKE_DLC_HANG_AFTER_MS ?? 0);
if (faulty && hangAfter > 0) {
  setTimeout(() => {
    clearInterval(timer);
    process.removeAllListeners("SIGTERM");
    process.on("SIGTERM", () => undefined);
    setInterval(() => undefined, 1000);
  }, hangAfter);
}
const after = faulty ? Number(process.env.FAKE_DLC_EXIT_AFTER_MS ?? 0) : 0;
if (after > 0) setTimeout(() => process.exit(Number(process.env.FAKE_DLC_EXIT_CODE ?? 1)), after);
