/**
 * GPU servers as pools (`pools` in the config file): several endpoints of one provider behind one stage,
 * with limits, health and failover (core/pool/). The stage's fallback chain sits on top unchanged.
 *
 * Env: MIRROR_F5_SIDECARS="http://gpu1:9999,http://gpu2:9999", MIRROR_LLM_POOL="http://gpu1:8000/v1,…" and
 * MIRROR_STT_POOL="http://gpu1:8000/v1,…"
 * (each entry may end with `*N` for its concurrency limit, e.g. "http://gpu1:9999*2").
 */
import { z } from "zod";
import type { Llm } from "../core/contracts/llm.js";
import type { Stt } from "../core/contracts/stt.js";
import type { Tts } from "../core/contracts/tts.js";
import { EndpointPool, type PoolEndpoint } from "../core/pool/endpoint-pool.js";
import type { PoolRegistry } from "../core/pool/pool-registry.js";
import { createPooledLlm } from "../core/pool/pooled-llm.js";
import { createPooledStt } from "../core/pool/pooled-stt.js";
import { createPooledTts } from "../core/pool/pooled-tts.js";

const Tuning = {
  probeIntervalMs: z.number().int().min(200).default(5_000),
  failuresToOpen: z.number().int().min(1).default(2),
  openForMs: z.number().int().min(100).default(10_000),
  maxQueue: z.number().int().min(0).default(64),
};

const Endpoint = (defaultLimit: number) =>
  z.object({ url: z.url(), maxConcurrent: z.number().int().min(1).max(256).default(defaultLimit), id: z.string().min(1).optional() });

export const PoolsConfig = z
  .object({
    /** F5 sidecars (one per GPU): a visit's voice stays on one, and moves with its reference on failure */
    f5Sidecar: z.object({ endpoints: z.array(Endpoint(1)).min(1), ...Tuning }).optional(),
    /** OpenAI-compatible LLM servers (vLLM, llama.cpp server, Ollama): used by the chain's "openai" entry */
    openaiLlm: z.object({ endpoints: z.array(Endpoint(8)).min(1), ...Tuning }).optional(),
    /** OpenAI-compatible Whisper servers (faster-whisper-server, whisper.cpp server): used when stages.stt is "whisper-server" */
    whisperStt: z.object({ endpoints: z.array(Endpoint(2)).min(1), ...Tuning }).optional(),
  })
  .prefault({});
export type PoolsConfig = z.infer<typeof PoolsConfig>;

/** Applies MIRROR_F5_SIDECARS / MIRROR_LLM_POOL to the raw config's `pools`. */
export function applyPoolsEnv(raw: Record<string, unknown>, env: NodeJS.ProcessEnv): Record<string, unknown> {
  const pools = { ...((raw.pools as Record<string, unknown> | undefined) ?? {}) };
  const parse = (list: string) =>
    list
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean)
      .map((entry) => {
        const [url = "", limit] = entry.split("*");
        return { url, ...(limit ? { maxConcurrent: Number(limit) } : {}) };
      });
  if (env.MIRROR_F5_SIDECARS) pools.f5Sidecar = { ...((pools.f5Sidecar as object | undefined) ?? {}), endpoints: parse(env.MIRROR_F5_SIDECARS) };
  if (env.MIRROR_STT_POOL) pools.whisperStt = { ...((pools.whisperStt as object | undefined) ?? {}), endpoints: parse(env.MIRROR_STT_POOL) };
  if (env.MIRROR_LLM_POOL) pools.openaiLlm = { ...((pools.openaiLlm as object | undefined) ?? {}), endpoints: parse(env.MIRROR_LLM_POOL) };
  return Object.keys(pools).length ? { ...raw, pools } : raw;
}

type PoolSection = NonNullable<PoolsConfig["f5Sidecar"]>;

function makePool<T>(name: string, section: PoolSection, make: (url: string) => T, probe: (t: T, url: string, signal: AbortSignal) => Promise<boolean>): EndpointPool<T> {
  const urls = new Map<T, string>();
  const endpoints: Array<PoolEndpoint<T>> = section.endpoints.map((e) => {
    const target = make(e.url);
    urls.set(target, e.url);
    return { id: e.id ?? new URL(e.url).host, target, maxConcurrent: e.maxConcurrent };
  });
  return new EndpointPool<T>({
    name,
    endpoints,
    probe: (t, signal) => probe(t, urls.get(t) ?? "", signal),
    probeIntervalMs: section.probeIntervalMs,
    failuresToOpen: section.failuresToOpen,
    openForMs: section.openForMs,
    maxQueue: section.maxQueue,
  });
}

/** F5 sidecars as one Tts; `make` builds the single-endpoint provider (config/providers.ts knows how). */
export function buildF5SidecarPool(section: PoolSection, make: (url: string) => Tts, registry?: PoolRegistry, log?: (line: string) => void): Tts {
  const pool = makePool("tts/f5-sidecar", section, make, async (tts) => (await tts.health?.())?.ok ?? true);
  registry?.add(pool);
  return createPooledTts(pool, { onFailover: (from, to, err) => from && log?.(`tts pool: voice moved ${from} → ${to}${err ? ` (${err.message.slice(0, 120)})` : ""}`) });
}

/** OpenAI-compatible servers as one Llm; probed with GET {baseUrl}/models (vLLM, llama.cpp server, Ollama). */
export function buildOpenAiLlmPool(section: PoolSection, make: (baseUrl: string) => Llm, registry?: PoolRegistry, fetchFn: typeof fetch = fetch): Llm {
  const pool = makePool("llm/openai", section, make, async (_llm, url, signal) => {
    const res = await fetchFn(`${url.replace(/\/$/, "")}/models`, { signal });
    await res.body?.cancel();
    return res.ok;
  });
  registry?.add(pool);
  return createPooledLlm(pool);
}

/** Whisper servers as one Stt; probed through the provider's own health check when it has one (else passively). */
export function buildWhisperSttPool(section: PoolSection, make: (baseUrl: string) => Stt, registry?: PoolRegistry): Stt {
  const pool = makePool("stt/whisper", section, make, async (stt) => (await stt.health?.())?.ok ?? true);
  registry?.add(pool);
  return createPooledStt(pool);
}
