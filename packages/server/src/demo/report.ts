import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ARKIT_52, OUTPUT_SAMPLE_RATE, type TurnTimings } from "@mirror/protocol";
import { encodeWav } from "../audio/wav.js";
import { percentiles } from "../observers/metrics.js";
import type { ReplayResult, ReplayTurn } from "./replay.js";
import type { PlayedTurn } from "./simulated-player.js";

/** The reply as the visitor heard it: every sample, or up to the interrupt. */
export function playedAudio(p: PlayedTurn): Int16Array {
  const total = p.interrupted ? p.playedSamples : p.chunks.reduce((m, c) => Math.max(m, c.sample + c.pcm.length), 0);
  const out = new Int16Array(Math.max(0, total));
  for (const c of p.chunks) {
    if (c.sample >= total) continue;
    out.set(c.pcm.subarray(0, total - c.sample), c.sample);
  }
  return out;
}

function framesJsonl(p: PlayedTurn): string {
  const limit = p.interrupted ? p.playedSamples : Infinity;
  return p.frames
    .filter((f) => f.sample <= limit)
    .map((f) => JSON.stringify({ sample: f.sample, weights: Object.fromEntries(ARKIT_52.map((n, i) => [n, f.w[i] ?? 0])) }))
    .join("\n");
}

const COLUMNS: Array<[keyof TurnTimings, string]> = [
  ["sttFinal", "stt"],
  ["llmFirstToken", "llm"],
  ["firstSentence", "sent"],
  ["ttsFirstAudio", "audio"],
  ["firstLipFrame", "lips"],
  ["playbackStart", "play"],
];

/** Writes report.json, reply-NN.wav, frames-NN.jsonl; returns the latency table to print. */
export function writeDemoReport(result: ReplayResult, outDir: string, meta: Record<string, unknown>): string {
  mkdirSync(outDir, { recursive: true });
  const all = [...(result.greeting ? [result.greeting] : []), ...result.turns];
  for (const t of all) {
    if (!t.played) continue;
    const nn = String(t.index).padStart(2, "0");
    writeFileSync(join(outDir, `reply-${nn}.wav`), encodeWav(playedAudio(t.played), OUTPUT_SAMPLE_RATE));
    writeFileSync(join(outDir, `frames-${nn}.jsonl`), framesJsonl(t.played) + "\n");
  }
  const summary = Object.fromEntries(
    COLUMNS.map(([k]) => [k, percentiles(result.turns.map((t) => t.timings[k]).filter((x): x is number => x !== undefined))]),
  );
  const strip = (t: ReplayTurn) => ({
    index: t.index,
    file: t.file,
    userText: t.userText,
    expectedText: t.expectedText,
    replyText: t.replyText,
    interrupted: t.interrupted,
    bargeInMs: t.bargeInMs,
    atMs: t.atMs,
    phase: t.phase,
    timings: t.timings,
    replyWav: t.played ? `reply-${String(t.index).padStart(2, "0")}.wav` : null,
    replyMs: t.played ? Math.round((playedAudio(t.played).length * 1000) / OUTPUT_SAMPLE_RATE) : 0,
  });
  const report = {
    ...meta,
    cloneMs: result.cloneMs,
    voice: { cloneMs: result.cloneMs, similarity: result.similarity },
    wer: result.wer,
    greeting: result.greeting ? strip(result.greeting) : null,
    turns: result.turns.map(strip),
    summary,
    errors: result.errors,
    deletion: result.deletion,
  };
  writeFileSync(join(outDir, "report.json"), JSON.stringify(report, null, 2) + "\n");
  return table(result);
}

function table(result: ReplayResult): string {
  // timings only: what the visitor said stays in report.json, never in a log
  const head = ["turn", ...COLUMNS.map(([, h]) => h), "barge-in"];
  const rows = result.turns.map((t) => [
    String(t.index),
    ...COLUMNS.map(([k]) => (t.timings[k] !== undefined ? `${Math.round(t.timings[k] ?? 0)}` : "-")),
    t.interrupted ? `${t.bargeInMs ?? "?"} ms` : "",
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const fmt = (r: string[]) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ");
  const lines = ["ms from end of visitor speech:", fmt(head), ...rows.map(fmt)];
  if (result.wer !== null) lines.push(`word error rate (STT vs script): ${(result.wer * 100).toFixed(1)} %`);
  return lines.join("\n");
}
