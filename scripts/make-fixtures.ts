/**
 * Generates fixtures/visitor-1: a synthetic visitor (drawn face, flite "slt" voice) for `mirror demo` and the tests.
 * Run: npx tsx scripts/make-fixtures.ts   (needs Debian's flite)
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { drawSyntheticFace, encodePng } from "./lib/face-image.js";

export interface FixtureTurn {
  file: string;
  text: string;
  /** start this turn this many ms after the previous reply started playing (a barge-in), instead of after it ended */
  bargeInAfterMs?: number;
}

export interface VisitorFixture {
  language: "en" | "nl";
  sampleText: string;
  turns: FixtureTurn[];
}

export const VISITOR_1: VisitorFixture = {
  language: "en",
  sampleText: "The rainbow is a division of white light into many beautiful colors. These take the shape of a long round arch.",
  turns: [
    { file: "turn-01.wav", text: "Hello. My name is Anna and I work as a designer." },
    { file: "turn-02.wav", text: "I love walking in the forest with my dog on Sunday mornings." },
    { file: "turn-03.wav", text: "Wait. I want to tell you about my family.", bargeInAfterMs: 900 },
    { file: "turn-04.wav", text: "I am a little nervous, but this is really strange and wonderful." },
  ],
};

export function speakWithFlite(text: string, outPath: string, voice = "slt"): void {
  execFileSync("flite", ["-voice", voice, "-t", text, "-o", outPath], { stdio: "ignore" });
}

function main(): void {
  const dir = join(import.meta.dirname, "..", "fixtures", "visitor-1");
  mkdirSync(dir, { recursive: true });
  const tmp = mkdtempSync(join(tmpdir(), "mirror-fixture-"));
  try {
    speakWithFlite(VISITOR_1.sampleText, join(tmp, "sample.wav"));
    writeFileSync(join(dir, "sample.wav"), readFileSync(join(tmp, "sample.wav")));
    for (const t of VISITOR_1.turns) {
      speakWithFlite(t.text, join(tmp, t.file));
      writeFileSync(join(dir, t.file), readFileSync(join(tmp, t.file)));
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  writeFileSync(join(dir, "photo.png"), encodePng(drawSyntheticFace()));
  writeFileSync(join(dir, "visitor.json"), JSON.stringify(VISITOR_1, null, 2) + "\n");
  console.log(`wrote ${dir}`);
}

if (process.argv[1] && import.meta.filename === process.argv[1]) main();
