import { spawn, type ChildProcess } from "node:child_process";

export interface SidecarProcessOptions {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** GET this until it answers 200 */
  healthUrl: string;
  startTimeoutMs?: number;
  /** first restart delay; doubles up to maxBackoffMs */
  backoffMs?: number;
  maxBackoffMs?: number;
  onLog?: (line: string) => void;
}

/**
 * Starts the sidecar, waits until it is healthy, and restarts it (with backoff) when it dies.
 * `ready()` resolves once it answers; `close()` stops it (SIGTERM, then SIGKILL after 3 s).
 */
export class SidecarProcess {
  private child: ChildProcess | null = null;
  private closed = false;
  private backoff: number;
  private readyPromise: Promise<void> | null = null;
  restarts = 0;

  constructor(private readonly o: SidecarProcessOptions) {
    this.backoff = o.backoffMs ?? 500;
  }

  ready(): Promise<void> {
    this.readyPromise ??= this.start();
    return this.readyPromise;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  private async start(): Promise<void> {
    if (this.closed) throw new Error("sidecar closed");
    const child = spawn(this.o.command, this.o.args, { env: { ...process.env, ...this.o.env }, stdio: ["ignore", "pipe", "pipe"] });
    this.child = child;
    const log = (b: Buffer) => {
      for (const line of b.toString("utf8").split("\n")) if (line.trim()) this.o.onLog?.(line);
    };
    child.stdout?.on("data", log);
    child.stderr?.on("data", log);
    let exited = false;
    child.once("exit", (code, sig) => {
      exited = true;
      if (this.child === child) this.child = null;
      if (this.closed) return;
      this.o.onLog?.(`sidecar exited (${code ?? sig ?? "?"}); restarting in ${this.backoff} ms`);
      const delay = this.backoff;
      this.backoff = Math.min(this.o.maxBackoffMs ?? 30_000, this.backoff * 2);
      this.restarts++;
      this.readyPromise = new Promise<void>((r) => setTimeout(r, delay)).then(() => this.start());
      this.readyPromise.catch((err: unknown) => this.o.onLog?.(`sidecar restart failed: ${String(err)}`));
    });
    child.once("error", (err) => this.o.onLog?.(`sidecar spawn error: ${err.message}`));
    const deadline = Date.now() + (this.o.startTimeoutMs ?? 180_000);
    while (Date.now() < deadline) {
      if (this.closed) throw new Error("sidecar closed");
      if (exited) throw new Error("sidecar exited during start");
      try {
        const res = await fetch(this.o.healthUrl, { signal: AbortSignal.timeout(1_000) });
        await res.body?.cancel();
        if (res.ok) {
          this.backoff = this.o.backoffMs ?? 500;
          return;
        }
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill("SIGKILL");
    throw new Error(`sidecar not healthy within ${this.o.startTimeoutMs ?? 180_000} ms`);
  }

  async close(): Promise<void> {
    this.closed = true;
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    const gone = new Promise<void>((r) => child.once("exit", () => r()));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 3_000);
    await gone;
    clearTimeout(timer);
  }
}
