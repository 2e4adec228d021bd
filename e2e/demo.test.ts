import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MOUTH_SHAPES, OUTPUT_SAMPLE_RATE } from "@mirror/protocol";
import { decodeWav } from "../packages/server/src/audio/wav.js";

const run = promisify(execFile);
const root = join(import.meta.dirname, "..");

interface ReportTurn {
  userText: string;
  expectedText: string | null;
  replyText: string;
  interrupted: boolean;
  bargeInMs: number | null;
  replyWav: string | null;
  timings: Record<string, number>;
}

let out = "";
let stdout = "";
let report: { turns: ReportTurn[]; wer: number; deletion: { verified: boolean; items: Array<{ kind: string }> }; greeting: ReportTurn | null; cloneMs: number };

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), "mirror-demo-"));
  const r = await run(join(root, "node_modules/.bin/mirror"), ["demo", "--visitor", join(root, "fixtures/visitor-1"), "--out", out, "--fast"], { cwd: root, timeout: 180_000 });
  stdout = r.stdout;
  report = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
}, 200_000);

afterAll(() => rmSync(out, { recursive: true, force: true }));

function framesOf(nn: string): Array<{ sample: number; weights: Record<string, number> }> {
  return readFileSync(join(out, `frames-${nn}.jsonl`), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

function mouth(w: Record<string, number>): number {
  return Math.max(...MOUTH_SHAPES.map((n) => w[n] ?? 0));
}

describe("mirror demo on fixtures/visitor-1", () => {
  it("answers every visitor turn with words heard, words said, and a voice", () => {
    expect(report.turns.length).toBe(4);
    for (const t of report.turns) {
      expect(t.userText.trim().length).toBeGreaterThan(0);
      expect(t.replyText.trim().length).toBeGreaterThan(0);
      expect(t.replyWav).not.toBeNull();
      const wav = decodeWav(new Uint8Array(readFileSync(join(out, t.replyWav!))));
      expect(wav.sampleRate).toBe(OUTPUT_SAMPLE_RATE);
      const peak = wav.pcm.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      expect(peak).toBeGreaterThan(0.05);
    }
    expect(report.greeting?.replyText.length).toBeGreaterThan(0);
    expect(stdout).toContain("ms from end of visitor speech");
  });

  it("transcribes the visitor well enough to mirror them", () => {
    expect(report.wer).toBeLessThan(0.35);
  });

  it("moves the mouth while the reply is voiced and rests it in silence", () => {
    const allSilent: number[] = [];
    for (const [i, t] of report.turns.entries()) {
      const nn = String(i + 1).padStart(2, "0");
      const wav = decodeWav(new Uint8Array(readFileSync(join(out, t.replyWav!)))).pcm;
      const frames = framesOf(nn);
      expect(frames.length).toBeGreaterThan(10);
      const voiced: number[] = [];
      const silent: number[] = [];
      for (const f of frames) {
        const win = 1200; // ±50 ms around the frame
        let sum = 0;
        let n = 0;
        for (let s = Math.max(0, f.sample - win); s < Math.min(wav.length, f.sample + win); s++) {
          sum += (wav[s] ?? 0) ** 2;
          n++;
        }
        const rms = n ? Math.sqrt(sum / n) : 0;
        if (rms > 0.05) voiced.push(mouth(f.weights));
        else if (rms < 0.003 && f.sample < wav.length) silent.push(f.weights.jawOpen ?? 0);
      }
      expect(voiced.length).toBeGreaterThan(5);
      const meanVoiced = voiced.reduce((a, b) => a + b, 0) / voiced.length;
      expect(meanVoiced).toBeGreaterThan(0.12);
      allSilent.push(...silent);
      if (!t.interrupted) expect(mouth(frames[frames.length - 1]!.weights)).toBeLessThan(0.15);
      // the jaw really moves: not one pose held
      const jaw = frames.map((f) => f.weights.jawOpen ?? 0);
      expect(Math.max(...jaw) - Math.min(...jaw)).toBeGreaterThan(0.2);
    }
    // pauses between words and sentences: the jaw closes there
    expect(allSilent.length).toBeGreaterThanOrEqual(3);
    expect(allSilent.reduce((a, b) => a + b, 0) / allSilent.length).toBeLessThan(0.1);
  });

  it("stops the reply when the visitor barges in, and says how long that took", () => {
    const cut = report.turns.filter((t) => t.interrupted);
    expect(cut.length).toBeGreaterThanOrEqual(1);
    for (const t of cut) {
      expect(t.bargeInMs).not.toBeNull();
      expect(t.bargeInMs!).toBeGreaterThan(0);
      expect(t.bargeInMs!).toBeLessThan(600);
    }
  });

  it("measures every stage from the end of the visitor's speech", () => {
    for (const t of report.turns) {
      for (const k of ["sttFinal", "llmFirstToken", "firstSentence", "ttsFirstAudio", "firstLipFrame"]) {
        expect(t.timings[k], k).toBeGreaterThan(0);
        expect(t.timings[k], k).toBeLessThan(5000);
      }
      expect(t.timings.sttFinal!).toBeLessThanOrEqual(t.timings.ttsFirstAudio!);
    }
  });

  it("purges the visit and proves it", () => {
    expect(report.deletion.verified).toBe(true);
    const kinds = report.deletion.items.map((i) => i.kind);
    expect(kinds).toContain("photo");
    expect(kinds).toContain("voice-sample");
    expect(kinds).toContain("transcript");
    expect(JSON.stringify(report.deletion)).not.toMatch(/Anna|designer|forest/i);
  });
});
