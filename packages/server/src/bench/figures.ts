import { TURN_TIMING_KEYS, type TurnTimings } from "@mirror/protocol";
import type { ReplayResult } from "../demo/replay.js";
import { percentiles, type Percentiles } from "../observers/metrics.js";

/** One row of the benchmark: a named figure over all samples of one profile. */
export interface Figure {
  key: string;
  label: string;
  unit: "ms" | "fps" | "MB" | "%" | "visits";
  values: number[];
  stats: Percentiles | null;
  /** where the number comes from, so nobody mistakes a simulated player for a browser */
  source: string;
}

export const TIMING_LABELS: Record<keyof TurnTimings, string> = {
  sttFinal: "end of speech → STT final",
  endOfTurn: "end of speech → end of turn",
  llmFirstToken: "end of speech → LLM first token",
  firstSentence: "end of speech → first sentence",
  ttsFirstAudio: "end of speech → TTS first audio",
  firstLipFrame: "end of speech → first lip frame",
  playbackStart: "end of speech → playback start",
  firstLipMotion: "end of speech → first lip motion",
  bargeInStop: "barge-in: speech onset → double silent",
};

export function figure(key: string, label: string, unit: Figure["unit"], values: number[], source: string): Figure {
  return { key, label, unit, values, stats: percentiles(values), source };
}

/** Per-stage latencies over every visitor turn of every run (the greeting has no end of speech). */
export function timingFigures(results: readonly ReplayResult[], source: string): Figure[] {
  const turns = results.flatMap((r) => r.turns);
  return TURN_TIMING_KEYS.map((k) =>
    figure(
      k,
      TIMING_LABELS[k],
      "ms",
      turns.map((t) => t.timings[k]).filter((x): x is number => x !== undefined),
      k === "playbackStart" || k === "firstLipMotion" ? `${source} (simulated speaker)` : source,
    ),
  ).filter((f) => f.values.length > 0);
}

export function cloneFigure(results: readonly ReplayResult[]): Figure {
  return figure("cloneMs", "clone time: sample → voice ready", "ms", results.map((r) => r.cloneMs).filter((x): x is number => x !== null), "server");
}

/** Voice similarity to the sample (score × 100, audio/similarity.ts) of the base voice and of the clone, per visit. */
export function similarityFigures(results: readonly ReplayResult[]): Figure[] {
  const sims = results.map((r) => r.similarity).filter((s): s is NonNullable<typeof s> => s !== null);
  return [
    figure("voiceSimilarityBase", "voice similarity to the sample: base voice", "%", sims.map((s) => Math.round(s.base * 1000) / 10), "server"),
    figure("voiceSimilarityConverted", "voice similarity to the sample: converted clone", "%", sims.map((s) => Math.round(s.converted * 1000) / 10), "server"),
  ].filter((f) => f.values.length > 0);
}

/** The per-turn waterfall: every mark of every turn, for the plot. */
export function waterfall(results: readonly ReplayResult[]): Array<{ label: string; timings: TurnTimings }> {
  return results.flatMap((r, run) => r.turns.map((t) => ({ label: `run ${run + 1} · turn ${t.index}${t.interrupted ? " (cut)" : ""}`, timings: t.timings })));
}
