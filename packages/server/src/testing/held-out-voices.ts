/**
 * Voice samples from voices that neither the fixtures (flite slt) nor the converted base voices (flite slt,
 * rms, awb; espeak m3/f3 variants) use, made at test/bench time and never committed.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Language } from "@mirror/protocol";
import { decodeWav } from "../audio/wav.js";
import { resampleSinc } from "../audio/resample.js";
import type { VoiceSample } from "../core/contracts/tts.js";

export const HELD_OUT_TEXT: Record<Language, string> = {
  en: "When the sunlight strikes raindrops in the air, they act as a prism and form a rainbow. The rainbow is a division of white light into many beautiful colors.",
  nl: "Als het zonlicht op regendruppels in de lucht valt, werken ze als een prisma en vormen ze een regenboog met veel mooie kleuren.",
};

export interface HeldOutVoice {
  label: string;
  sample: VoiceSample;
}

function render(cmd: string, args: (out: string) => string[]): { pcm: Float32Array; sampleRate: number } {
  const dir = mkdtempSync(join(tmpdir(), "mirror-heldout-"));
  try {
    const out = join(dir, "v.wav");
    execFileSync(cmd, args(out), { stdio: ["ignore", "ignore", "ignore"] });
    const w = decodeWav(readFileSync(out));
    return { pcm: w.pcm, sampleRate: w.sampleRate };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Plays audio `factor` times faster: F0 and formants both move by `factor` (a smaller or larger speaker). */
function speed(v: { pcm: Float32Array; sampleRate: number }, factor: number): { pcm: Float32Array; sampleRate: number } {
  return { pcm: resampleSinc(v.pcm, v.sampleRate * factor, v.sampleRate), sampleRate: v.sampleRate };
}

const flite = (voice: string, text: string) => render("flite", (out) => ["-voice", voice, "-t", text, "-o", out]);
const espeak = (voice: string, text: string) => render("espeak-ng", (out) => ["-v", voice, "-w", out, text]);

export const HELD_OUT_VOICES: ReadonlyArray<{ label: string; language: Language; make: (text: string) => { pcm: Float32Array; sampleRate: number } }> = [
  { label: "male (flite kal16)", language: "en", make: (t) => flite("kal16", t) },
  { label: "male (flite kal16, 8 % lower)", language: "en", make: (t) => speed(flite("kal16", t), 0.92) },
  { label: "female (espeak-ng en-us+f4)", language: "en", make: (t) => espeak("en-us+f4", t) },
  { label: "higher male (flite kal16, 45 % higher)", language: "en", make: (t) => speed(flite("kal16", t), 1.45) },
  { label: "Dutch female (espeak-ng nl+f4)", language: "nl", make: (t) => espeak("nl+f4", t) },
  { label: "Dutch male (espeak-ng nl+m7)", language: "nl", make: (t) => espeak("nl+m7", t) },
];

export function heldOutVoice(index: number): HeldOutVoice {
  const v = HELD_OUT_VOICES[index];
  if (!v) throw new Error(`no held-out voice ${index}`);
  const a = v.make(HELD_OUT_TEXT[v.language]);
  return { label: v.label, sample: { pcm: a.pcm, sampleRate: a.sampleRate, transcript: HELD_OUT_TEXT[v.language], language: v.language } };
}
