import { systemClock, type Clock } from "../clock.js";
import type { Lifecycle } from "../contracts/common.js";
import { ProviderError, isAbort, throwIfAborted, toProviderError } from "../errors.js";

/** One server of a pool (a GPU box running F5, vLLM, whisper…): `target` is the provider bound to it. */
export interface PoolEndpoint<T> {
  id: string;
  target: T;
  /** requests it serves at once; more wait in the pool's queue */
  maxConcurrent: number;
}

export type CircuitState = "closed" | "open" | "half-open";

export interface EndpointStatus {
  pool: string;
  endpoint: string;
  /** false while its circuit is open or its last health probe failed */
  up: boolean;
  circuit: CircuitState;
  /** null before the first probe (or when the pool has no probe) */
  probeOk: boolean | null;
  inflight: number;
  maxConcurrent: number;
  requests: number;
  failures: number;
  /** failed share of the requests that ended in the last `errorWindowMs` */
  errorRate: number;
  /** smoothed duration of successful requests, null before the first */
  latencyMs: number | null;
}

export interface PoolSnapshot {
  pool: string;
  /** requests waiting for a free slot */
  queued: number;
  endpoints: EndpointStatus[];
}

export interface EndpointPoolOptions<T> {
  /** names the pool in metrics and errors, e.g. "tts/f5-sidecar" */
  name: string;
  endpoints: ReadonlyArray<PoolEndpoint<T>>;
  /** active health check; a failing probe takes the endpoint out until a probe passes */
  probe?: (target: T, signal: AbortSignal) => Promise<boolean>;
  probeIntervalMs?: number;
  probeTimeoutMs?: number;
  /** consecutive failures that open the circuit; default 2 */
  failuresToOpen?: number;
  /** error rate (over at least `minRequestsForRate` recent requests) that opens the circuit; default 0.5 */
  errorRateToOpen?: number;
  minRequestsForRate?: number;
  errorWindowMs?: number;
  /** how long an open circuit keeps the endpoint out before one trial request; default 10 s */
  openForMs?: number;
  /** requests allowed to wait for a slot; past that the pool fails fast (retryable) so a fallback can answer */
  maxQueue?: number;
  clock?: Clock;
}

export type LeaseOutcome = "ok" | "failed" | "aborted";

export interface Lease<T> {
  readonly endpoint: PoolEndpoint<T>;
  /** once per lease; a failure counts toward the circuit breaker, an abort does not */
  release(outcome: LeaseOutcome): void;
}

export interface AcquireOptions {
  signal: AbortSignal;
  /** the endpoint that holds this visit's state: taken when it is up and has a free slot */
  prefer?: string | null;
  /**
   * "strict": while the preferred endpoint is usable, wait for its slot rather than move (moving state,
   * e.g. a reference voice, costs more than a short wait); "soft" (default): take any free endpoint.
   */
  affinity?: "strict" | "soft";
  /** endpoints already tried for this request */
  exclude?: ReadonlySet<string>;
}

interface EndpointState<T> {
  ep: PoolEndpoint<T>;
  inflight: number;
  requests: number;
  failures: number;
  consecutiveFailures: number;
  circuit: CircuitState;
  openedAt: number;
  probeOk: boolean | null;
  latencyMs: number | null;
  recent: Array<{ at: number; ok: boolean }>;
}

interface Waiter<T> {
  opts: AcquireOptions;
  resolve: (lease: Lease<T>) => void;
  reject: (err: unknown) => void;
}

/**
 * Least-busy routing over a list of endpoints, with per-endpoint concurrency limits, a FIFO queue when
 * all are full, a circuit breaker fed by request outcomes (passive) and an optional probe (active).
 * It knows nothing of what the endpoints serve: pooled-tts.ts and pooled-llm.ts put a stage on top.
 */
export class EndpointPool<T> {
  readonly name: string;
  private readonly states: Array<EndpointState<T>>;
  private readonly waiters: Array<Waiter<T>> = [];
  private readonly clock: Clock;
  private probeTimer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly opts: EndpointPoolOptions<T>) {
    if (opts.endpoints.length === 0) throw new Error(`pool ${opts.name}: no endpoints`);
    this.name = opts.name;
    this.clock = opts.clock ?? systemClock;
    this.states = opts.endpoints.map((ep) => ({
      ep,
      inflight: 0,
      requests: 0,
      failures: 0,
      consecutiveFailures: 0,
      circuit: "closed",
      openedAt: 0,
      probeOk: null,
      latencyMs: null,
      recent: [],
    }));
  }

  get endpoints(): ReadonlyArray<PoolEndpoint<T>> {
    return this.opts.endpoints;
  }

  /** Starts the active health probe (every `probeIntervalMs`, default 5 s); a no-op without a probe. */
  start(): void {
    if (!this.opts.probe || this.probeTimer) return;
    void this.probeAll();
    this.probeTimer = setInterval(() => void this.probeAll(), this.opts.probeIntervalMs ?? 5_000);
    this.probeTimer.unref();
  }

  stop(): void {
    if (this.probeTimer) clearInterval(this.probeTimer);
    this.probeTimer = null;
    for (const w of this.waiters.splice(0)) w.reject(new ProviderError(this.name, "pool closed", { retryable: true }));
  }

  /** Probes every endpoint once now (the timer calls this too). */
  async probeAll(): Promise<void> {
    const probe = this.opts.probe;
    if (!probe) return;
    await Promise.all(
      this.states.map(async (s) => {
        let ok: boolean;
        try {
          ok = await probe(s.ep.target, AbortSignal.timeout(this.opts.probeTimeoutMs ?? 2_000));
        } catch {
          ok = false;
        }
        s.probeOk = ok;
        if (ok && s.circuit !== "closed") this.close(s);
      }),
    );
    this.dispatch();
  }

  /**
   * A slot on the best endpoint: the preferred one if it is up and free, else the least busy one that is
   * up and free; waits (FIFO) when every usable endpoint is full. Fails at once, retryable, when no
   * endpoint is usable at all, so the fallback chain above can answer instead.
   */
  acquire(opts: AcquireOptions): Promise<Lease<T>> {
    throwIfAborted(opts.signal);
    const usable = this.states.filter((s) => !opts.exclude?.has(s.ep.id) && this.isUsable(s));
    if (usable.length === 0) {
      return Promise.reject(new ProviderError(this.name, "no healthy endpoint", { retryable: true }));
    }
    const now = this.pick(opts);
    if (now) return Promise.resolve(now);
    if (this.waiters.length >= (this.opts.maxQueue ?? 64)) {
      return Promise.reject(new ProviderError(this.name, "pool saturated: queue full", { retryable: true }));
    }
    return new Promise<Lease<T>>((resolve, reject) => {
      const waiter: Waiter<T> = { opts, resolve, reject };
      const onAbort = (): void => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(opts.signal.reason instanceof Error ? opts.signal.reason : new ProviderError(this.name, "aborted while queued", { retryable: false }));
      };
      waiter.resolve = (lease) => {
        opts.signal.removeEventListener("abort", onAbort);
        resolve(lease);
      };
      opts.signal.addEventListener("abort", onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  snapshot(): PoolSnapshot {
    const now = this.clock.now();
    return {
      pool: this.name,
      queued: this.waiters.length,
      endpoints: this.states.map((s) => {
        const recent = s.recent.filter((r) => now - r.at <= this.window());
        return {
          pool: this.name,
          endpoint: s.ep.id,
          up: this.isUsable(s),
          circuit: this.circuitOf(s),
          probeOk: s.probeOk,
          inflight: s.inflight,
          maxConcurrent: s.ep.maxConcurrent,
          requests: s.requests,
          failures: s.failures,
          errorRate: recent.length ? recent.filter((r) => !r.ok).length / recent.length : 0,
          latencyMs: s.latencyMs === null ? null : Math.round(s.latencyMs),
        };
      }),
    };
  }

  private window(): number {
    return this.opts.errorWindowMs ?? 30_000;
  }

  private circuitOf(s: EndpointState<T>): CircuitState {
    if (s.circuit === "open" && this.clock.now() - s.openedAt >= (this.opts.openForMs ?? 10_000)) return "half-open";
    return s.circuit;
  }

  private isUsable(s: EndpointState<T>): boolean {
    if (s.probeOk === false) return false;
    const circuit = this.circuitOf(s);
    return circuit === "closed" || (circuit === "half-open" && s.inflight === 0);
  }

  private hasSlot(s: EndpointState<T>): boolean {
    return this.isUsable(s) && s.inflight < s.ep.maxConcurrent;
  }

  private pick(opts: AcquireOptions): Lease<T> | null {
    if (opts.affinity === "strict" && opts.prefer) {
      const home = this.states.find((s) => s.ep.id === opts.prefer && !opts.exclude?.has(s.ep.id) && this.isUsable(s));
      if (home) return this.hasSlot(home) ? this.lease(home) : null;
    }
    const candidates = this.states.filter((s) => !opts.exclude?.has(s.ep.id) && this.hasSlot(s));
    const preferred = opts.prefer ? candidates.find((s) => s.ep.id === opts.prefer) : undefined;
    const best = preferred ?? candidates.sort((a, b) => a.inflight / a.ep.maxConcurrent - b.inflight / b.ep.maxConcurrent)[0];
    return best ? this.lease(best) : null;
  }

  private lease(s: EndpointState<T>): Lease<T> {
    if (this.circuitOf(s) === "half-open") s.circuit = "half-open";
    s.inflight++;
    s.requests++;
    const started = this.clock.now();
    let released = false;
    return {
      endpoint: s.ep,
      release: (outcome) => {
        if (released) return;
        released = true;
        s.inflight--;
        if (outcome !== "aborted") this.record(s, outcome === "ok", this.clock.now() - started);
        this.dispatch();
      },
    };
  }

  private record(s: EndpointState<T>, ok: boolean, ms: number): void {
    const now = this.clock.now();
    s.recent.push({ at: now, ok });
    while (s.recent.length > 0 && now - (s.recent[0]?.at ?? now) > this.window()) s.recent.shift();
    if (ok) {
      s.latencyMs = s.latencyMs === null ? ms : s.latencyMs * 0.8 + ms * 0.2;
      this.close(s);
      return;
    }
    s.failures++;
    s.consecutiveFailures++;
    const failed = s.recent.filter((r) => !r.ok).length;
    const rateTrips = s.recent.length >= (this.opts.minRequestsForRate ?? 6) && failed / s.recent.length >= (this.opts.errorRateToOpen ?? 0.5);
    if (s.circuit === "half-open" || s.consecutiveFailures >= (this.opts.failuresToOpen ?? 2) || rateTrips) {
      s.circuit = "open";
      s.openedAt = now;
    }
  }

  private close(s: EndpointState<T>): void {
    s.circuit = "closed";
    s.consecutiveFailures = 0;
  }

  /** Hands freed slots to waiters in arrival order; a waiter with nothing usable left is failed. */
  private dispatch(): void {
    for (let i = 0; i < this.waiters.length; ) {
      const w = this.waiters[i];
      if (!w) break;
      const usable = this.states.some((s) => !w.opts.exclude?.has(s.ep.id) && this.isUsable(s));
      if (!usable) {
        this.waiters.splice(i, 1);
        w.reject(new ProviderError(this.name, "no healthy endpoint", { retryable: true }));
        continue;
      }
      const lease = this.pick(w.opts);
      if (!lease) {
        i++;
        continue;
      }
      this.waiters.splice(i, 1);
      w.resolve(lease);
    }
  }
}

export interface WithLeaseOptions<T, E> {
  signal: AbortSignal;
  /** the pooled provider's id: an endpoint that fails after output went out fails the request under it */
  providerId: string;
  /** affinity for each attempt (the endpoints already tried are excluded on top) */
  acquire?: () => Omit<AcquireOptions, "signal" | "exclude">;
  /** the work on one endpoint: a stream (committed at its first event) or a batch (all events at once) */
  run(lease: Lease<T>): AsyncIterable<E> | Promise<readonly E[]>;
  /** an endpoint failed (before its first event the next one is tried, after it the request fails) */
  onFailed?(lease: Lease<T>, error: ProviderError): void;
  /** the endpoint serves the request: its first event is out, or it finished (`lastError`: why earlier ones were left) */
  onServed?(lease: Lease<T>, lastError: ProviderError | null): void;
}

/**
 * The pool's retry loop, shared by the pooled providers: lease the best endpoint not yet tried, run the work there,
 * release the lease with its outcome. An endpoint that fails before its first event hands the request to the next;
 * after it, output cannot be taken back and the error is the request's. An abort ends the stream quietly; when no
 * endpoint is left, the last endpoint's own error says more than "no healthy endpoint".
 */
export async function* withLease<T, E>(pool: EndpointPool<T>, o: WithLeaseOptions<T, E>): AsyncGenerator<E> {
  const tried = new Set<string>();
  let lastError: ProviderError | null = null;
  for (;;) {
    throwIfAborted(o.signal);
    let lease: Lease<T>;
    try {
      lease = await pool.acquire({ ...o.acquire?.(), signal: o.signal, exclude: tried });
    } catch (err) {
      if (isAbort(err, o.signal)) return;
      throw lastError ?? err;
    }
    let committed = false;
    let outcome: LeaseOutcome = "aborted";
    try {
      const work = o.run(lease);
      if (work instanceof Promise) {
        const events = await work;
        outcome = "ok";
        o.onServed?.(lease, lastError);
        yield* events;
        return;
      }
      for await (const ev of work) {
        if (!committed) o.onServed?.(lease, lastError);
        committed = true;
        yield ev;
      }
      outcome = "ok";
      if (!committed) o.onServed?.(lease, lastError);
      return;
    } catch (err) {
      if (isAbort(err, o.signal)) return;
      outcome = "failed";
      lastError = toProviderError(lease.endpoint.id, err);
      o.onFailed?.(lease, lastError);
      if (committed) throw new ProviderError(o.providerId, lastError.message, { retryable: lastError.retryable, cause: err });
      tried.add(lease.endpoint.id);
    } finally {
      lease.release(outcome);
    }
  }
}

/** The lifecycle of a provider made of a pool: warm every endpoint then start probing, healthy while one is up. */
export function poolLifecycle<T extends Lifecycle>(pool: EndpointPool<T>): Required<Lifecycle> {
  return {
    async warmup() {
      await Promise.all(pool.endpoints.map((e) => e.target.warmup?.()));
      pool.start();
    },
    async health() {
      const snap = pool.snapshot();
      const up = snap.endpoints.filter((e) => e.up).length;
      return { ok: up > 0, detail: `${up}/${snap.endpoints.length} endpoints up, ${snap.queued} queued` };
    },
    async close() {
      pool.stop();
      await Promise.all(pool.endpoints.map((e) => e.target.close?.()));
    },
  };
}
