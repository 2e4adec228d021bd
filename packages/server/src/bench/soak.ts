import { readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { MIC_SAMPLE_RATE } from "@mirror/protocol";
import type { RecordedVisitor } from "../demo/visitor.js";
import { openFds, SystemMonitor } from "../observers/system-monitor.js";
import { KioskClient } from "../testing/kiosk-client.js";
import { fixtureVisitor, startTestServer, type TestServer } from "../testing/test-server.js";

export interface SoakOptions {
  /** visits in all (fast mode), or until `minutes` have passed when given */
  visits: number;
  minutes?: number;
  /** visits running at the same time */
  concurrency: number;
  /** how fast the visitors speak: 1 = real time */
  speed: number;
  /** visitor turns per visit */
  turns: number;
  /** a sample every this many finished visits (fast) or ms (timed) */
  sampleEvery: number;
  /** an existing server to soak (e.g. the embedded providers); default: a test server with scripted stages */
  server?: TestServer;
  onSample?: (s: SoakSample) => void;
}

export interface SoakSample {
  visits: number;
  atS: number;
  heapUsedMb: number;
  rssMb: number;
  externalMb: number;
  openFds: number | null;
  tempFiles: number;
  eventLoopLagP99Ms: number;
  openSessions: number;
}

export interface SoakReport {
  options: Omit<SoakOptions, "server" | "onSample">;
  samples: SoakSample[];
  visits: number;
  failures: number;
  unverifiedPurges: number;
  /** heap after GC: after the first 20 visits, after the last, and the growth between them */
  heapAfterFirst20Mb: number | null;
  heapAfterLastMb: number | null;
  heapGrowthPct: number | null;
  durationS: number;
}

/** Makes global.gc available without a command-line flag, so heap figures are after a full collection. */
export function forceGc(): void {
  const g = globalThis as { gc?: () => void };
  if (!g.gc) {
    setFlagsFromString("--expose-gc");
    g.gc = runInNewContext("gc") as () => void;
  }
  g.gc?.();
  g.gc?.();
}

export function mirrorTempFiles(): number {
  try {
    return readdirSync(tmpdir()).filter((f) => f.startsWith("mirror-")).length;
  } catch {
    return 0;
  }
}

/** One visitor, start to purge, over the WebSocket; true when it was answered and purged with `verified`. */
async function oneVisit(url: string, v: RecordedVisitor, o: SoakOptions): Promise<{ ok: boolean; verified: boolean }> {
  const k = await KioskClient.connect(url);
  try {
    await k.startVisit(v.photo, v.sample, v.photoMime, 60_000);
    for (let i = 0; i < o.turns; i++) {
      const turn = v.turns[i % v.turns.length];
      if (!turn) break;
      const from = k.messages.length;
      await k.speak(turn.pcm, o.speed);
      await k.speak(new Int16Array(MIC_SAMPLE_RATE), o.speed);
      await k.next("turn-start", { from, timeoutMs: 60_000 });
    }
    k.send({ type: "end-visit", reason: "visitor" });
    const purged = await k.next("purged", { timeoutMs: 30_000 });
    return { ok: true, verified: purged.record.verified };
  } catch {
    return { ok: false, verified: false };
  } finally {
    await k.close();
  }
}

/**
 * Visits back to back (and `concurrency` at a time) against one server, sampling heap (after GC), RSS, file
 * descriptors, Mirror temp files and event-loop lag. The heap after the last visit against after the first 20
 * says whether anything of a visit stays behind.
 */
export async function runSoak(o: SoakOptions): Promise<SoakReport> {
  const own = o.server ? null : await startTestServer({ timeouts: { silenceMs: 600_000 } });
  const t = o.server ?? own;
  if (!t) throw new Error("no server");
  const v = fixtureVisitor();
  const monitor = new SystemMonitor();
  const samples: SoakSample[] = [];
  const t0 = performance.now();
  let done = 0;
  let failures = 0;
  let unverified = 0;
  let heapAt20: number | null = null;
  const sample = (): SoakSample => {
    forceGc();
    const s = monitor.sample();
    const out: SoakSample = {
      visits: done,
      atS: Math.round((performance.now() - t0) / 100) / 10,
      heapUsedMb: mb(process.memoryUsage().heapUsed),
      rssMb: mb(s.rssBytes),
      externalMb: mb(s.externalBytes),
      openFds: openFds(),
      tempFiles: mirrorTempFiles(),
      eventLoopLagP99Ms: s.eventLoopLagP99Ms,
      openSessions: t.server.sessions.size,
    };
    samples.push(out);
    o.onSample?.(out);
    return out;
  };
  sample();
  const deadline = o.minutes ? t0 + o.minutes * 60_000 : Infinity;
  const more = () => (o.minutes ? performance.now() < deadline : done + running < o.visits);
  let running = 0;
  let lastTimedSample = performance.now();
  const worker = async () => {
    while (more()) {
      running++;
      const r = await oneVisit(t.server.url, v, o);
      running--;
      done++;
      if (!r.ok) failures++;
      else if (!r.verified) unverified++;
      if (done === 20 && heapAt20 === null) heapAt20 = sample().heapUsedMb;
      else if (!o.minutes && done % o.sampleEvery === 0) sample();
      else if (o.minutes && performance.now() - lastTimedSample >= o.sampleEvery) {
        lastTimedSample = performance.now();
        sample();
      }
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  // let the last purges and closes settle before the final figure
  await new Promise((r) => setTimeout(r, 500));
  const last = sample();
  monitor.close();
  if (own) await own.close();
  const { server: _server, onSample: _onSample, ...options } = o;
  return {
    options,
    samples,
    visits: done,
    failures,
    unverifiedPurges: unverified,
    heapAfterFirst20Mb: heapAt20,
    heapAfterLastMb: last.heapUsedMb,
    heapGrowthPct: heapAt20 ? Math.round(((last.heapUsedMb - heapAt20) / heapAt20) * 1000) / 10 : null,
    durationS: Math.round((performance.now() - t0) / 1000),
  };
}

function mb(bytes: number): number {
  return Math.round((bytes / 1024 / 1024) * 10) / 10;
}
