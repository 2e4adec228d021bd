import type { Llm, LlmEvent, LlmRequest } from "../contracts/llm.js";
import { poolLifecycle, withLease, type EndpointPool } from "./endpoint-pool.js";

/**
 * One LLM over a pool of servers of the same kind (e.g. several vLLM or llama.cpp servers). The servers
 * hold no per-visit state, so there is no affinity: each reply goes to the least busy one, and a server
 * that fails before its first token hands the reply to the next. The fallback chain sits on top.
 */
export function createPooledLlm(pool: EndpointPool<Llm>): Llm {
  const first = pool.endpoints[0]?.target;
  if (!first) throw new Error("pooled llm: empty pool");
  const id = `pool:${pool.name}`;

  const stream = (req: LlmRequest): AsyncIterable<LlmEvent> => withLease(pool, { signal: req.signal, providerId: id, run: (lease) => lease.endpoint.target.stream(req) });

  return {
    info: { ...first.info, id },
    capabilities: first.capabilities,
    stream,
    ...poolLifecycle(pool),
  };
}
