/**
 * Load test: simulated booths hold visits at once against fakes of GPU TTS servers (service time,
 * one generation at a time per GPU, queueing), through Mirror's real F5 sidecar client and endpoint
 * pool. Measures end of speech → first audio per booth count and per number of GPU endpoints.
 * Loopback only, bounded in time; `timeScale` < 1 runs it faster than real time (figures are scaled back).
 */
import type { Tts, VoiceProfile, VoiceSample } from "../core/contracts/tts.js";
import { seededRandom, type Random } from "../core/clock.js";
import { EndpointPool } from "../core/pool/endpoint-pool.js";
import { createPooledTts } from "../core/pool/pooled-tts.js";
import { percentiles } from "../observers/metrics.js";
import { createF5SidecarTts } from "../stages/tts/f5/sidecar-tts.js";
import { startGpuSidecarFake, type GpuModelOptions, type GpuSidecarFake } from "../testing/fakes/gpu-server-fake.js";
import { sleep } from "../testing/fakes/fake-speech.js";

export interface LoadOptions {
  boothCounts: readonly number[];
  endpointCounts: readonly number[];
  turnsPerBooth: number;
  /** 1 = real time; 0.2 = five times faster (every modelled time × 0.2, figures ÷ 0.2) */
  timeScale: number;
  gpu: Omit<GpuModelOptions, "timeScale">;
  /** end of speech → the LLM's first sentence (a cloud LLM; not on the GPUs modelled here) */
  llmFirstSentenceMs: number;
  /** how long the visitor talks before each turn, ms (uniform in [min, max]) */
  visitorTalkMs: readonly [number, number];
  /** sentences per reply, each one request to the TTS */
  sentencesPerReply: number;
  /** the latency a venue wants, p95 end of speech → first audio, ms */
  targetP95Ms: number;
  /** GPU share held by other work on the same cards (renderer, Deep-Live-Cam), 0…0.9 */
  background?: number;
  sample: VoiceSample;
  seed?: number;
  onProgress?: (line: string) => void;
}

export interface LoadCell {
  booths: number;
  endpoints: number;
  /** turns measured */
  n: number;
  p50: number | null;
  p95: number | null;
  max: number | null;
  /** turns that got no audio */
  failed: number;
  /** how long the cell took, real seconds */
  wallSeconds: number;
}

export interface LoadResult {
  createdAt: string;
  options: Omit<LoadOptions, "sample" | "onProgress">;
  cells: LoadCell[];
  /** per endpoint count: the most booths whose p95 stays within the target, and the knee */
  sizing: Array<{ endpoints: number; boothsWithinTarget: number; knee: number | null }>;
}

const REPLY = [
  "You said that like someone who has thought about it.",
  "I wonder what you would tell yourself a year ago.",
  "That is a brave thing to say out loud today.",
  "Tell me more about the people you miss.",
];

export async function runLoadTest(o: LoadOptions): Promise<LoadResult> {
  const cells: LoadCell[] = [];
  for (const endpoints of o.endpointCounts) {
    for (const booths of o.boothCounts) {
      o.onProgress?.(`load: ${booths} booth(s) on ${endpoints} GPU endpoint(s)`);
      cells.push(await runCell(o, booths, endpoints));
    }
  }
  const { sample: _sample, onProgress: _progress, ...options } = o;
  return { createdAt: new Date().toISOString(), options, cells, sizing: sizing(cells, o) };
}

/** Booths within the target per endpoint count; the knee is the first booth count whose p95 is over twice the 1-booth p95. */
export function sizing(cells: readonly LoadCell[], o: Pick<LoadOptions, "endpointCounts" | "targetP95Ms">): LoadResult["sizing"] {
  return o.endpointCounts.map((endpoints) => {
    const row = cells.filter((c) => c.endpoints === endpoints).sort((a, b) => a.booths - b.booths);
    const base = row[0]?.p95 ?? null;
    let within = 0;
    for (const c of row) {
      if (c.p95 === null || c.failed > 0 || c.p95 > o.targetP95Ms) break;
      within = c.booths;
    }
    const knee = base === null ? null : (row.find((c) => c.p95 === null || c.p95 > 2 * base)?.booths ?? null);
    return { endpoints, boothsWithinTarget: within, knee };
  });
}

async function runCell(o: LoadOptions, booths: number, endpointCount: number): Promise<LoadCell> {
  const fakes: GpuSidecarFake[] = [];
  for (let i = 0; i < endpointCount; i++) fakes.push(await startGpuSidecarFake({ ...o.gpu, timeScale: o.timeScale }));
  for (const f of fakes) f.gpu.background = o.background ?? 0;
  const pool = new EndpointPool<Tts>({
    name: "tts/f5-sidecar",
    endpoints: fakes.map((f, i) => ({ id: `gpu-${i}`, target: createF5SidecarTts({ url: f.url, requestTimeoutMs: 120_000 }), maxConcurrent: o.gpu.slots })),
    maxQueue: 1_000,
  });
  const tts = createPooledTts(pool);
  const t0 = performance.now();
  const results = await Promise.all(Array.from({ length: booths }, (_, b) => runBooth(o, tts, seededRandom((o.seed ?? 1) * 100 + b))));
  const wallSeconds = (performance.now() - t0) / 1000;
  await tts.close?.();
  await Promise.all(fakes.map((f) => f.close()));
  const latencies = results.flatMap((r) => r.latencies);
  const p = percentiles(latencies);
  const round = (x: number | undefined) => (x === undefined ? null : Math.round(x));
  return { booths, endpoints: endpointCount, n: latencies.length, p50: round(p?.p50), p95: round(p?.p95), max: round(p?.max), failed: results.reduce((n, r) => n + r.failed, 0), wallSeconds: Math.round(wallSeconds * 10) / 10 };
}

/** One booth: a visitor who clones, then talks and listens for `turnsPerBooth` turns. Latencies in unscaled ms. */
async function runBooth(o: LoadOptions, tts: Tts, random: Random): Promise<{ latencies: number[]; failed: number }> {
  const latencies: number[] = [];
  let failed = 0;
  const scaled = (ms: number) => sleep(ms * o.timeScale);
  // booths do not all start in the same instant
  await scaled(random() * (o.visitorTalkMs[1] + 0));
  let voice: VoiceProfile;
  try {
    voice = await tts.cloneVoice({ ...o.sample, pcm: o.sample.pcm.slice() }, AbortSignal.timeout(60_000));
  } catch {
    return { latencies, failed: o.turnsPerBooth };
  }
  for (let turn = 0; turn < o.turnsPerBooth; turn++) {
    const [lo, hi] = o.visitorTalkMs;
    await scaled(lo + random() * (hi - lo));
    const endOfSpeech = performance.now();
    await scaled(o.llmFirstSentenceMs);
    let firstAudio = -1;
    let audioSeconds = 0;
    try {
      for (let s = 0; s < o.sentencesPerReply; s++) {
        const text = REPLY[(turn + s) % REPLY.length] ?? "Yes.";
        for await (const ev of tts.synthesize({ text, voice, signal: AbortSignal.timeout(120_000) })) {
          if (ev.type !== "audio") continue;
          if (firstAudio < 0) firstAudio = performance.now();
          audioSeconds += ev.pcm.length / ev.sampleRate;
        }
      }
    } catch {
      // counted below
    }
    if (firstAudio < 0) {
      failed++;
      continue;
    }
    latencies.push((firstAudio - endOfSpeech) / o.timeScale);
    // the double speaks its reply before the visitor answers
    const playedUntil = firstAudio + audioSeconds * 1000 * o.timeScale;
    await sleep(Math.max(0, playedUntil - performance.now()));
  }
  await tts.forgetVoice(voice);
  return { latencies, failed };
}
