/**
 * The configured sinks beyond the kiosk: built once per process (the Live Link sender and the A2F connection
 * live as long as the server), handed to each visit, and asked for their figures at the end of a demo.
 */
import type { Health } from "../core/contracts/common.js";
import type { Sink } from "../core/contracts/sink.js";
import type { Visit } from "../core/visit.js";
import { A2fLegacySink } from "./a2f/legacy-sink.js";
import type { SinksConfig } from "./config.js";
import { DeepLiveCamRun } from "./deeplivecam/supervisor.js";
import { LiveLinkSink } from "./livelink/livelink-sink.js";

export interface SinkSet {
  /** the sinks of one visit (Deep-Live-Cam starts here with the visitor's photo) */
  forVisit(visit: Visit): Sink[];
  warmup(): Promise<void>;
  close(): Promise<void>;
  /** per sink: first frame sent (ms after first audio), frames sent, send jitter p95, and sink-specific detail */
  stats(): Promise<Record<string, SinkReport>>;
  /** for the console: each configured sink (Deep-Live-Cam: the latest visit's run) */
  healthSources(): Record<string, { health?(): Promise<Health> }>;
}

export interface SinkReport {
  target: string;
  firstFrameAfterAudioMs: { p50: number | null; max: number | null };
  framesSent: number;
  sendJitterP95Ms: number | null;
  detail: Record<string, unknown>;
}

const median = (xs: number[]) => (xs.length ? ([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? null) : null);
const max = (xs: number[]) => (xs.length ? Math.max(...xs) : null);

export function buildSinks(cfg: SinksConfig, o: { rate?: number; log?: (line: string) => void; deepLiveCam?: "visit" | "visible" } = {}): SinkSet | null {
  const livelink = cfg.livelink
    ? new LiveLinkSink({ host: cfg.livelink.host, port: cfg.livelink.port, subject: cfg.livelink.subject, deviceId: cfg.livelink.deviceId, audioOffsetMs: cfg.livelink.audioOffsetMs, rate: o.rate ?? 1 })
    : null;
  const a2f = cfg.a2f ? new A2fLegacySink({ address: cfg.a2f.address, instanceName: cfg.a2f.instanceName, blockUntilPlaybackIsFinished: cfg.a2f.blockUntilPlaybackIsFinished, ...(o.log ? { log: o.log } : {}) }) : null;
  const dlc = cfg.deeplivecam;
  const runs: DeepLiveCamRun[] = [];
  if (!livelink && !a2f && !dlc) return null;
  return {
    forVisit(visit) {
      const sinks: Sink[] = [];
      if (livelink) sinks.push(livelink);
      if (a2f) sinks.push(a2f);
      if (dlc) {
        const run = new DeepLiveCamRun({ ...dlc, ...(o.log ? { log: o.log } : {}) });
        runs.push(run);
        run.start(visit).catch((err: Error) => o.log?.(`deeplivecam: ${err.message}`));
        // GPU budget "visible": the face swap is only needed while the double is on screen
        if (o.deepLiveCam === "visible") visit.onPhase((_v, _from, to) => void (to === "farewell" || to === "purge" ? run.stop() : undefined));
        sinks.push(run);
      }
      return sinks;
    },
    async warmup() {
      await livelink?.warmup();
    },
    healthSources() {
      const latest = runs.at(-1);
      return {
        ...(livelink ? { "sink/livelink": livelink } : {}),
        ...(a2f ? { "sink/a2f": a2f } : {}),
        ...(dlc ? { "sink/deeplivecam": latest ?? { health: async () => ({ ok: true, detail: "starts with the next visit" }) } } : {}),
      };
    },
    async close() {
      await Promise.all([livelink?.close(), a2f?.close(), ...runs.map((r) => r.stop())]);
    },
    async stats() {
      const out: Record<string, SinkReport> = {};
      if (livelink) {
        const s = await livelink.stats();
        const firsts = s.turns.map((t) => t.firstFrameAfterAudioMs).filter((x): x is number => x !== null);
        out.livelink = {
          target: s.target,
          firstFrameAfterAudioMs: { p50: median(firsts), max: max(firsts) },
          framesSent: s.packetsSent,
          sendJitterP95Ms: s.jitterP95Ms,
          detail: { ...s },
        };
      }
      if (a2f) {
        const s = a2f.stats();
        out.a2f = {
          target: s.target,
          firstFrameAfterAudioMs: { p50: median(s.firstChunkAfterAudioMs), max: max(s.firstChunkAfterAudioMs) },
          framesSent: s.chunksSent,
          sendJitterP95Ms: null,
          detail: { ...s },
        };
      }
      if (dlc) {
        out.deeplivecam = {
          target: dlc.path,
          firstFrameAfterAudioMs: { p50: null, max: null },
          framesSent: 0,
          sendJitterP95Ms: null,
          detail: { runs: runs.map((r) => ({ ...r.stats })) },
        };
      }
      return out;
    },
  };
}

/** One line per sink for the demo's printed table. */
export function sinkTable(stats: Record<string, SinkReport>): string {
  return Object.entries(stats)
    .map(([name, s]) => {
      const first = s.firstFrameAfterAudioMs.p50 === null ? "-" : `${s.firstFrameAfterAudioMs.p50} ms (max ${s.firstFrameAfterAudioMs.max})`;
      const jitter = s.sendJitterP95Ms === null ? "-" : `${s.sendJitterP95Ms} ms`;
      return `sink ${name} → ${s.target}: first frame after first audio ${first}, sent ${s.framesSent}, send jitter p95 ${jitter}`;
    })
    .join("\n");
}
