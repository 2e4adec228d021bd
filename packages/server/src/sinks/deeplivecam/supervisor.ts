/**
 * Deep-Live-Cam adapter: per visit, writes the visitor's photo to a private temp file (registered with the
 * visit's vault, so purge deletes it), launches the configured Deep-Live-Cam install with it as the source face,
 * restarts it if it dies, reports the fps it prints, and stops it when the visit is purged.
 * Deep-Live-Cam's live (webcam) mode runs through its own window: launched with `-s photo` and no target it
 * opens that window with the visitor's face already chosen; someone (or an automation) still presses "Live".
 * With `target`/`output` set it runs headless on files instead.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { statSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { Health, StageInfo } from "../../core/contracts/common.js";
import { ProviderError } from "../../core/errors.js";
import type { OutputEvent, Sink } from "../../core/contracts/sink.js";
import type { Visit } from "../../core/visit.js";

export interface DeepLiveCamOptions {
  /** the Deep-Live-Cam checkout (runs `<python> run.py`), its run.py, or any executable taking the same flags */
  path: string;
  python?: string;
  /** e.g. "cuda" → --execution-provider cuda */
  executionProvider?: string;
  /** default ["face_swapper"] */
  frameProcessors?: string[];
  /** headless file mode: -t target -o output */
  target?: string;
  output?: string;
  extraArgs?: string[];
  /** restarts after an unexpected exit, per visit (default 3) */
  maxRestarts?: number;
  restartDelayMs?: number;
  /** a process that printed progress and then nothing (no progress, no fps) this long is hung: killed and restarted (default 15 s) */
  stallAfterMs?: number;
  /** a process that prints nothing at all this long after its launch is stuck starting (default 120 s: models load slowly) */
  startupTimeoutMs?: number;
  env?: Record<string, string>;
  log?: (line: string) => void;
}

export interface DeepLiveCamStats {
  running: boolean;
  starts: number;
  restarts: number;
  /** latest fps Deep-Live-Cam printed, if it did */
  fps: number | null;
  lastExit: string | null;
  /** why it is not running as it should (typed, for health and logs); null while healthy */
  lastError: ProviderError | null;
}

const FPS = /(\d+(?:\.\d+)?)\s*fps\b/i;

/** One Deep-Live-Cam process for one visit. */
export class DeepLiveCamRun implements Sink {
  readonly info: StageInfo = { id: "sink/deeplivecam", stage: "sink", languages: "any", local: true };
  readonly stats: DeepLiveCamStats = { running: false, starts: 0, restarts: 0, fps: null, lastExit: null, lastError: null };
  private child: ChildProcess | null = null;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | null = null;
  private watchdog: NodeJS.Timeout | null = null;
  private lastOutputAt = 0;
  private sawOutput = false;
  private exited: Promise<void> = Promise.resolve();
  photoPath: string | null = null;

  constructor(private readonly o: DeepLiveCamOptions) {}

  /** Copies the photo into a private temp dir owned by the visit's vault and starts the process. */
  async start(visit: Visit): Promise<void> {
    const photo = visit.vault.latest<Uint8Array>("photo");
    if (!photo) throw new Error("Deep-Live-Cam: the visit has no photo");
    const dir = await mkdtemp(join(tmpdir(), "mirror-dlc-"));
    visit.vault.registerTempFile(dir);
    const ext = photo[0] === 0x89 && photo[1] === 0x50 ? "png" : "jpg";
    this.photoPath = join(dir, `source.${ext}`);
    await writeFile(this.photoPath, photo, { mode: 0o600 });
    visit.vault.onPurge(this.info.id, () => this.stop());
    this.launch();
  }

  write(_ev: OutputEvent): void {
    // Deep-Live-Cam watches the Unreal window; the reply stream does not concern it
  }

  private command(): { cmd: string; args: string[]; cwd?: string } {
    const o = this.o;
    const flags = ["-s", this.photoPath ?? ""];
    if (o.target) flags.push("-t", o.target);
    if (o.output) flags.push("-o", o.output);
    flags.push("--frame-processor", ...(o.frameProcessors ?? ["face_swapper"]));
    if (o.executionProvider) flags.push("--execution-provider", o.executionProvider);
    flags.push(...(o.extraArgs ?? []));
    const isDir = statSync(o.path, { throwIfNoEntry: false })?.isDirectory() ?? false;
    if (isDir) return { cmd: o.python ?? "python3", args: [join(o.path, "run.py"), ...flags], cwd: o.path };
    if (o.path.endsWith(".py")) return { cmd: o.python ?? "python3", args: [o.path, ...flags], cwd: join(o.path, "..") };
    return { cmd: o.path, args: flags };
  }

  private launch(): void {
    if (this.stopping) return;
    const { cmd, args, cwd } = this.command();
    const child = spawn(cmd, args, { cwd, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, PYTHONUNBUFFERED: "1", ...this.o.env } });
    this.child = child;
    this.stats.starts++;
    this.stats.running = true;
    this.lastOutputAt = performance.now();
    this.sawOutput = false;
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on("line", (line) => {
        this.lastOutputAt = performance.now();
        this.sawOutput = true;
        const m = FPS.exec(line);
        if (m?.[1]) {
          this.stats.fps = Number(m[1]);
          if (this.child === child) this.stats.lastError = null;
        }
      });
    }
    this.watch(child);
    let cannotStart = false;
    this.exited = new Promise((resolve) => {
      child.once("error", (err: NodeJS.ErrnoException) => {
        // not there, not executable: starting it again will not help
        cannotStart = err.code === "ENOENT" || err.code === "EACCES";
        this.stats.lastExit = err.message;
        this.stats.lastError = new ProviderError(this.info.id, `cannot start ${cmd}: ${err.code ?? err.message}`, { retryable: !cannotStart, cause: err });
        this.o.log?.(`deeplivecam: cannot start ${cmd}: ${err.message}`);
      });
      child.once("close", (code, signal) => {
        this.stats.running = false;
        this.stats.lastExit = signal ? `signal ${signal}` : `exit ${code}`;
        if (this.child === child) this.child = null;
        resolve();
        if (this.stopping) return;
        if (!cannotStart) this.stats.lastError = new ProviderError(this.info.id, `stopped (${this.stats.lastExit})`, { retryable: true });
        if (cannotStart || this.stats.restarts >= (this.o.maxRestarts ?? 3)) return this.o.log?.(`deeplivecam: gave up after ${this.stats.restarts} restarts (${this.stats.lastExit})`);
        this.stats.restarts++;
        this.o.log?.(`deeplivecam: ${this.stats.lastExit}, restarting`);
        this.restartTimer = setTimeout(() => this.launch(), this.o.restartDelayMs ?? 1000);
      });
    });
  }

  /** A process that is alive but silent has hung (a stuck GPU call, a dead window): kill it, the restart follows. */
  private watch(child: ChildProcess): void {
    if (this.watchdog) clearInterval(this.watchdog);
    const stallAfterMs = this.o.stallAfterMs ?? 15_000;
    const startupMs = this.o.startupTimeoutMs ?? 120_000;
    this.watchdog = setInterval(() => {
      if (this.child !== child || this.stopping) return void (this.watchdog && clearInterval(this.watchdog));
      const stallMs = this.sawOutput ? stallAfterMs : startupMs;
      if (performance.now() - this.lastOutputAt < stallMs) return;
      const what = this.sawOutput ? "hung" : "stuck starting";
      this.stats.lastError = new ProviderError(this.info.id, `no output for ${stallMs} ms: ${what}, restarting`, { retryable: true });
      this.o.log?.(`deeplivecam: no output for ${stallMs} ms (${what}), killing it`);
      if (this.watchdog) clearInterval(this.watchdog);
      child.kill("SIGKILL");
    }, Math.min(1000, stallAfterMs / 4));
    this.watchdog.unref();
  }

  /** For the console: running and printing progress, or why not. */
  async health(): Promise<Health> {
    const s = this.stats;
    if (s.lastError) return { ok: false, detail: s.lastError.message };
    if (!s.running) return { ok: !this.stopping, detail: this.stopping ? "stopped with its visit" : "not started" };
    return { ok: true, detail: `running${s.fps !== null ? `, ${s.fps} fps` : ""}${s.restarts ? `, ${s.restarts} restarts` : ""}` };
  }

  /** SIGTERM, then SIGKILL after 2 s. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    if (this.watchdog) clearInterval(this.watchdog);
    const child = this.child;
    if (!child) return;
    child.kill("SIGTERM");
    const killer = setTimeout(() => child.kill("SIGKILL"), 2000);
    await this.exited;
    clearTimeout(killer);
  }

  async close(): Promise<void> {
    await this.stop();
  }
}
