import type { Health } from "../contracts/common.js";
import type { Tts, TtsEvent, TtsRequest, VoiceProfile, VoiceSample } from "../contracts/tts.js";
import { ProviderError, isAbort, throwIfAborted, toProviderError } from "../errors.js";
import { withLease, type EndpointPool, type Lease } from "./endpoint-pool.js";

export interface PooledTtsOptions {
  /** told about every switch of a visit's voice to another endpoint (never the visitor's data) */
  onFailover?: (from: string | null, to: string, error: ProviderError | null) => void;
}

/**
 * What a pooled voice holds: the visitor's sample (to register the voice again on another endpoint)
 * and the clone on each endpoint that has one. Biometric: wiped by forgetVoice with the visit.
 */
interface PooledVoiceState {
  sample: VoiceSample;
  clones: Map<string, VoiceProfile>;
  /** the endpoint that served this voice last: its clone is warm there (per-visit affinity) */
  home: string | null;
}

/**
 * One TTS over a pool of endpoints of the same provider (e.g. several F5 sidecars on GPU servers).
 * A voice sticks to the endpoint that holds its reference; when that endpoint fails before any audio,
 * the sentence moves to another one and the reference is sent there first (the visit goes on with one
 * slower sentence). The fallback chain (tts-fallback.ts) sits on top of this, for when the whole pool is out.
 */
export function createPooledTts(pool: EndpointPool<Tts>, opts: PooledTtsOptions = {}): Tts {
  const first = pool.endpoints[0]?.target;
  if (!first) throw new Error("pooled tts: empty pool");
  const id = `pool:${pool.name}`;
  /** voices living on each endpoint: a new voice goes where fewest live, so the load spreads by visits */
  const residents = new Map<string, number>();
  const fewestResidents = (): string | null => {
    const up = pool.snapshot().endpoints.filter((e) => e.up);
    up.sort((a, b) => (residents.get(a.endpoint) ?? 0) - (residents.get(b.endpoint) ?? 0) || a.inflight / a.maxConcurrent - b.inflight / b.maxConcurrent);
    return up[0]?.endpoint ?? null;
  };

  const cloneOn = async (lease: Lease<Tts>, state: PooledVoiceState, signal: AbortSignal): Promise<VoiceProfile> => {
    const known = state.clones.get(lease.endpoint.id);
    if (known) return known;
    const clone = await lease.endpoint.target.cloneVoice(state.sample, signal);
    state.clones.set(lease.endpoint.id, clone);
    return clone;
  };

  /** Runs `work` on endpoints in the pool's order of preference until one succeeds or none is left. */
  const onSomeEndpoint = async <R>(state: PooledVoiceState, signal: AbortSignal, work: (lease: Lease<Tts>) => Promise<R>): Promise<R> => {
    const tried = new Set<string>();
    let lastError: ProviderError | null = null;
    for (;;) {
      throwIfAborted(signal);
      const lease = await acquireOrThrow(pool, { signal, prefer: state.home ?? fewestResidents(), exclude: tried }, lastError);
      try {
        const out = await work(lease);
        lease.release("ok");
        moveHome(state, lease.endpoint.id, lastError);
        return out;
      } catch (err) {
        if (isAbort(err, signal)) {
          lease.release("aborted");
          throw err;
        }
        lease.release("failed");
        lastError = toProviderError(lease.endpoint.id, err);
        tried.add(lease.endpoint.id);
        state.clones.delete(lease.endpoint.id);
      }
    }
  };

  const moveHome = (state: PooledVoiceState, to: string | null, error: ProviderError | null): void => {
    if (state.home === to) return;
    if (to) opts.onFailover?.(state.home, to, error);
    if (state.home) residents.set(state.home, (residents.get(state.home) ?? 1) - 1);
    if (to) residents.set(to, (residents.get(to) ?? 0) + 1);
    state.home = to;
  };

  async function* synthesize(req: TtsRequest): AsyncGenerator<TtsEvent> {
    const state = stateOf(req.voice);
    if (!state) throw new ProviderError(id, "voice was forgotten or belongs to another provider", { retryable: true });
    yield* withLease(pool, {
      signal: req.signal,
      providerId: id,
      // the voice waits for its own endpoint while that one is up: moving means sending the reference again
      acquire: () => ({ prefer: state.home, affinity: "strict" }),
      run: async function* (lease) {
        const voice = await cloneOn(lease, state, req.signal);
        yield* lease.endpoint.target.synthesize({ ...req, voice });
      },
      onServed: (lease, lastError) => moveHome(state, lease.endpoint.id, lastError),
      // after audio went out the sentence fails (it cannot be taken back); the next one moves
      onFailed: (lease) => void state.clones.delete(lease.endpoint.id),
    });
  }

  return {
    info: { ...first.info, id },
    capabilities: first.capabilities,

    async warmup() {
      await Promise.all(pool.endpoints.map((e) => e.target.warmup?.()));
      pool.start();
    },

    async health(): Promise<Health> {
      const snap = pool.snapshot();
      const up = snap.endpoints.filter((e) => e.up).length;
      return { ok: up > 0, detail: `${up}/${snap.endpoints.length} endpoints up, ${snap.queued} queued` };
    },

    async cloneVoice(sample: VoiceSample, signal: AbortSignal): Promise<VoiceProfile> {
      // a copy the pool owns, so a later failover can send the reference again
      const state: PooledVoiceState = { sample: { ...sample, pcm: sample.pcm.slice() }, clones: new Map(), home: null };
      let clone: VoiceProfile;
      try {
        clone = await onSomeEndpoint(state, signal, (lease) => cloneOn(lease, state, signal));
      } catch (err) {
        state.sample.pcm.fill(0);
        throw err;
      }
      return { ...clone, id: `pooled-${clone.id}`, provider: id, state: { pooled: state } };
    },

    async forgetVoice(voice: VoiceProfile): Promise<void> {
      const state = stateOf(voice);
      if (!state) return;
      const byEndpoint = new Map(pool.endpoints.map((e) => [e.id, e.target]));
      await Promise.all([...state.clones].map(([ep, clone]) => byEndpoint.get(ep)?.forgetVoice(clone).catch(() => undefined)));
      state.clones.clear();
      moveHome(state, null, null);
      state.sample.pcm.fill(0);
      state.sample.transcript = "";
      delete (voice.state as Record<string, unknown>).pooled;
    },

    synthesize,

    async close() {
      pool.stop();
      await Promise.all(pool.endpoints.map((e) => e.target.close?.()));
    },
  };
}

async function acquireOrThrow(pool: EndpointPool<Tts>, o: Parameters<EndpointPool<Tts>["acquire"]>[0], lastError: ProviderError | null): Promise<Lease<Tts>> {
  try {
    return await pool.acquire(o);
  } catch (err) {
    // after a failover attempt, the endpoint's own error says more than "no healthy endpoint"
    throw lastError && err instanceof ProviderError ? lastError : err;
  }
}

function stateOf(voice: VoiceProfile): PooledVoiceState | null {
  const s = (voice.state as { pooled?: PooledVoiceState }).pooled;
  return s && s.sample.pcm instanceof Float32Array ? s : null;
}
