import type { Llm, LlmEvent, LlmRequest } from "../contracts/llm.js";
import { ProviderError, isAbort, throwIfAborted, toProviderError } from "../errors.js";
import type { EndpointPool } from "./endpoint-pool.js";

/**
 * One LLM over a pool of servers of the same kind (e.g. several vLLM or llama.cpp servers). The servers
 * hold no per-visit state, so there is no affinity: each reply goes to the least busy one, and a server
 * that fails before its first token hands the reply to the next. The fallback chain sits on top.
 */
export function createPooledLlm(pool: EndpointPool<Llm>): Llm {
  const first = pool.endpoints[0]?.target;
  if (!first) throw new Error("pooled llm: empty pool");
  const id = `pool:${pool.name}`;

  async function* stream(req: LlmRequest): AsyncGenerator<LlmEvent> {
    const tried = new Set<string>();
    let lastError: ProviderError | null = null;
    for (;;) {
      throwIfAborted(req.signal);
      let lease;
      try {
        lease = await pool.acquire({ signal: req.signal, exclude: tried });
      } catch (err) {
        if (isAbort(err, req.signal)) return;
        throw lastError ?? err;
      }
      let committed = false;
      let outcome: "ok" | "failed" | "aborted" = "aborted";
      try {
        for await (const ev of lease.endpoint.target.stream(req)) {
          committed = true;
          yield ev;
        }
        outcome = "ok";
        return;
      } catch (err) {
        if (isAbort(err, req.signal)) return;
        outcome = "failed";
        lastError = toProviderError(lease.endpoint.id, err);
        if (committed) throw new ProviderError(id, lastError.message, { retryable: lastError.retryable, cause: err });
        tried.add(lease.endpoint.id);
      } finally {
        lease.release(outcome);
      }
    }
  }

  return {
    info: { ...first.info, id },
    capabilities: first.capabilities,
    async warmup() {
      await Promise.all(pool.endpoints.map((e) => e.target.warmup?.()));
      pool.start();
    },
    async health() {
      const snap = pool.snapshot();
      const up = snap.endpoints.filter((e) => e.up).length;
      return { ok: up > 0, detail: `${up}/${snap.endpoints.length} endpoints up, ${snap.queued} queued` };
    },
    stream,
    async close() {
      pool.stop();
      await Promise.all(pool.endpoints.map((e) => e.target.close?.()));
    },
  };
}
