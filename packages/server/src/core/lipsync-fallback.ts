import { systemClock, type Clock } from "./clock.js";
import type { Health } from "./contracts/common.js";
import type { LipFrame, Lipsync, LipsyncInput, LipsyncOptions, LipsyncSession } from "./contracts/lipsync.js";
import { ProviderError, toProviderError } from "./errors.js";

export interface LipsyncFallbackOptions {
  /** e.g. Audio2Face-3D: better faces, but a server that can go away */
  primary: Lipsync;
  /** the built-in lip-sync: always there */
  fallback: Lipsync;
  /** the primary has sent no frame this long after its first audio: it is given up (a hung server) */
  firstFrameTimeoutMs?: number;
  /** after a failure, turns go straight to the fallback for this long, then the primary is tried again */
  unhealthyForMs?: number;
  clock?: Clock;
  /** told about every switch to the fallback (for logs and the console) */
  onFallback?: (error: ProviderError) => void;
}

/**
 * Lip-sync that keeps the face moving when its provider fails: every input of the turn is kept, and when the
 * primary fails (an error, or no first frame in time) the fallback gets them all again and carries the turn on from
 * the first sample the primary did not cover. A failed primary is skipped for `unhealthyForMs`, then tried again.
 */
export function createLipsyncFallback(o: LipsyncFallbackOptions): Lipsync {
  const clock = o.clock ?? systemClock;
  const firstFrameTimeoutMs = o.firstFrameTimeoutMs ?? 1500;
  const unhealthyForMs = o.unhealthyForMs ?? 30_000;
  let skipUntil = 0;
  let lastError: ProviderError | null = null;
  const failed = (err: ProviderError) => {
    lastError = err;
    skipUntil = clock.now() + unhealthyForMs;
    o.onFallback?.(err);
  };
  return {
    info: { ...o.primary.info, id: `${o.primary.info.id}+fallback` },
    capabilities: o.primary.capabilities,
    open(opts) {
      if (clock.now() < skipUntil) return o.fallback.open(opts);
      return new FallbackSession(o.primary, o.fallback, opts, firstFrameTimeoutMs, failed);
    },
    async warmup() {
      await Promise.all([o.primary.warmup?.(), o.fallback.warmup?.()]);
    },
    async health(): Promise<Health> {
      const h = (await o.primary.health?.()) ?? { ok: true, detail: "" };
      if (clock.now() >= skipUntil) return h;
      const left = Math.ceil((skipUntil - clock.now()) / 1000);
      return { ok: false, detail: `${o.primary.info.id} failed (${lastError?.message ?? "?"}): ${o.fallback.info.id} for the next ${left} s` };
    },
    async close() {
      await Promise.all([o.primary.close?.(), o.fallback.close?.()]);
    },
  };
}

class FallbackSession implements LipsyncSession {
  readonly frames: AsyncIterable<LipFrame>;
  private readonly inputs: LipsyncInput[] = [];
  private current: LipsyncSession;
  private readonly primaryAbort = new AbortController();
  private firstAudioAt: Promise<void>;
  private heardAudio: () => void = () => undefined;
  private switched = false;

  constructor(
    private readonly primary: Lipsync,
    private readonly fallback: Lipsync,
    private readonly opts: LipsyncOptions,
    private readonly firstFrameTimeoutMs: number,
    private readonly failed: (err: ProviderError) => void,
  ) {
    const stop = () => this.primaryAbort.abort(opts.signal.reason);
    if (opts.signal.aborted) stop();
    else opts.signal.addEventListener("abort", stop, { once: true });
    this.current = primary.open({ ...opts, signal: this.primaryAbort.signal });
    this.firstAudioAt = new Promise((resolve) => (this.heardAudio = resolve));
    this.frames = this.run();
  }

  push(input: LipsyncInput): void {
    // kept only while the primary may still fail: the fallback would need the turn from its start
    if (!this.switched) this.inputs.push(input);
    if (input.type === "audio" || input.type === "end") this.heardAudio();
    this.current.push(input);
  }

  private async *run(): AsyncGenerator<LipFrame> {
    let covered = -1;
    try {
      for await (const f of this.withFirstFrameTimeout(this.current.frames)) {
        covered = f.sample;
        yield f;
      }
      this.inputs.length = 0;
      return;
    } catch (err) {
      if (this.opts.signal.aborted) return;
      this.primaryAbort.abort("fallback");
      this.failed(toProviderError(this.primary.info.id, err));
    }
    // the fallback hears the whole turn so far, then goes on live; only frames past the primary's are new
    const fb = this.fallback.open(this.opts);
    this.current = fb;
    this.switched = true;
    for (const input of this.inputs) fb.push(input);
    this.inputs.length = 0;
    for await (const f of fb.frames) if (f.sample > covered) yield f;
  }

  /** Frames of the primary; a primary that has not sent its first frame in time after the first audio fails. */
  private async *withFirstFrameTimeout(frames: AsyncIterable<LipFrame>): AsyncGenerator<LipFrame> {
    const it = frames[Symbol.asyncIterator]();
    let timer: NodeJS.Timeout | undefined;
    let answered = false;
    const late = this.firstAudioAt.then(() =>
      answered
        ? new Promise<never>(() => undefined)
        : new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new ProviderError(this.primary.info.id, `no frame ${this.firstFrameTimeoutMs} ms after the audio`, { retryable: true })), this.firstFrameTimeoutMs);
          timer.unref?.();
        }),
    );
    late.catch(() => undefined);
    try {
      const first = await Promise.race([it.next(), late]);
      answered = true;
      clearTimeout(timer);
      if (first.done) return;
      yield first.value;
      for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
    } finally {
      answered = true;
      clearTimeout(timer);
    }
  }
}
