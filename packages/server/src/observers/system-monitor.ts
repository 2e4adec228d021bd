import { readdirSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { monitorEventLoopDelay, type IntervalHistogram } from "node:perf_hooks";

/** The console's SystemStats (packages/protocol), measured. */
export interface SystemSample {
  /** this process's CPU use since the previous sample, percent of one core */
  cpuPercent: number;
  loadAverage1m: number;
  cores: number;
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
  arrayBuffersBytes: number;
  /** open file descriptors (null where /proc is missing) */
  openFds: number | null;
  /** event-loop delay since the previous sample, ms */
  eventLoopLagP99Ms: number;
  eventLoopLagMaxMs: number;
  uptimeS: number;
}

/** CPU, memory, descriptors and event-loop lag of this process: for the console and the soak. */
export class SystemMonitor {
  private readonly loop: IntervalHistogram;
  private lastCpu = process.cpuUsage();
  private lastAt = performance.now();

  constructor() {
    this.loop = monitorEventLoopDelay({ resolution: 10 });
    this.loop.enable();
  }

  sample(): SystemSample {
    const now = performance.now();
    const cpu = process.cpuUsage(this.lastCpu);
    const elapsedMs = Math.max(1, now - this.lastAt);
    this.lastCpu = process.cpuUsage();
    this.lastAt = now;
    const mem = process.memoryUsage();
    const sample: SystemSample = {
      cpuPercent: round(((cpu.user + cpu.system) / 1000 / elapsedMs) * 100),
      loadAverage1m: round(loadavg()[0] ?? 0),
      cores: cpus().length,
      rssBytes: mem.rss,
      heapUsedBytes: mem.heapUsed,
      heapTotalBytes: mem.heapTotal,
      externalBytes: mem.external,
      arrayBuffersBytes: mem.arrayBuffers,
      openFds: openFds(),
      eventLoopLagP99Ms: round(this.loop.percentile(99) / 1e6),
      eventLoopLagMaxMs: round(this.loop.max / 1e6),
      uptimeS: Math.round(process.uptime()),
    };
    this.loop.reset();
    return sample;
  }

  close(): void {
    this.loop.disable();
  }
}

export function openFds(): number | null {
  try {
    return readdirSync("/proc/self/fd").length;
  } catch {
    return null;
  }
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}
