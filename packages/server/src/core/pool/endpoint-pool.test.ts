/** Routing, limits, queueing, circuit breaking and probing of an endpoint pool, on a clock the test moves. */
import { describe, expect, it } from "vitest";
import { ManualClock } from "../clock.js";
import { ProviderError } from "../errors.js";
import { EndpointPool, type EndpointPoolOptions } from "./endpoint-pool.js";
import { renderPrometheus } from "./pool-registry.js";

const signal = new AbortController().signal;

function pool(extra: Partial<EndpointPoolOptions<string>> = {}, limits = [2, 2]): EndpointPool<string> {
  return new EndpointPool<string>({
    name: "tts/test",
    endpoints: limits.map((maxConcurrent, i) => ({ id: `gpu-${i}`, target: `t${i}`, maxConcurrent })),
    ...extra,
  });
}

describe("endpoint pool", () => {
  it("routes to the least busy endpoint, relative to its limit", async () => {
    const p = pool({}, [1, 3]);
    const picks = [];
    for (let i = 0; i < 4; i++) picks.push((await p.acquire({ signal })).endpoint.id);
    expect(picks.sort()).toEqual(["gpu-0", "gpu-1", "gpu-1", "gpu-1"]);
  });

  it("keeps a preferred endpoint while it has a free slot, and leaves it when full", async () => {
    const p = pool({}, [1, 1]);
    const first = await p.acquire({ signal, prefer: "gpu-1" });
    expect(first.endpoint.id).toBe("gpu-1");
    expect((await p.acquire({ signal, prefer: "gpu-1" })).endpoint.id).toBe("gpu-0");
  });

  it("strict affinity waits for the preferred endpoint while it is up, and moves once it is down", async () => {
    const clock = new ManualClock(0);
    const p = pool({ clock, failuresToOpen: 1 }, [1, 1]);
    const held = await p.acquire({ signal, prefer: "gpu-0" });
    let got = "";
    const waiting = p.acquire({ signal, prefer: "gpu-0", affinity: "strict" }).then((l) => ((got = l.endpoint.id), l));
    await Promise.resolve();
    expect(got).toBe(""); // gpu-1 is free, but the state lives on gpu-0
    held.release("ok");
    (await waiting).release("failed"); // gpu-0 breaks
    expect((await p.acquire({ signal, prefer: "gpu-0", affinity: "strict" })).endpoint.id).toBe("gpu-1");
  });

  it("queues past the limits in arrival order and fails fast once the queue is full", async () => {
    const p = pool({ maxQueue: 2 }, [1]);
    const held = await p.acquire({ signal });
    const order: number[] = [];
    const w1 = p.acquire({ signal }).then((l) => (order.push(1), l));
    const w2 = p.acquire({ signal }).then((l) => (order.push(2), l));
    await expect(p.acquire({ signal })).rejects.toThrow(/saturated/);
    expect(p.snapshot().queued).toBe(2);
    held.release("ok");
    (await w1).release("ok");
    await w2;
    expect(order).toEqual([1, 2]);
  });

  it("a queued request that is aborted leaves the queue", async () => {
    const p = pool({}, [1]);
    await p.acquire({ signal });
    const ac = new AbortController();
    const waiting = p.acquire({ signal: ac.signal });
    ac.abort(new Error("turn aborted"));
    await expect(waiting).rejects.toThrow("turn aborted");
    expect(p.snapshot().queued).toBe(0);
  });

  it("opens the circuit after consecutive failures, tries once when half-open, closes on success", async () => {
    const clock = new ManualClock(0);
    const p = pool({ clock, failuresToOpen: 2, openForMs: 1_000 }, [2, 2]);
    for (let i = 0; i < 2; i++) (await p.acquire({ signal, prefer: "gpu-0" })).release("failed");
    expect(p.snapshot().endpoints[0]).toMatchObject({ circuit: "open", up: false, failures: 2 });
    expect((await p.acquire({ signal, prefer: "gpu-0" })).endpoint.id).toBe("gpu-1");
    clock.advance(1_000);
    expect(p.snapshot().endpoints[0]?.circuit).toBe("half-open");
    const trial = await p.acquire({ signal, prefer: "gpu-0" });
    expect(trial.endpoint.id).toBe("gpu-0");
    expect((await p.acquire({ signal, prefer: "gpu-0" })).endpoint.id).toBe("gpu-1"); // one trial at a time
    trial.release("ok");
    expect(p.snapshot().endpoints[0]?.circuit).toBe("closed");
  });

  it("a failed half-open trial opens the circuit again", async () => {
    const clock = new ManualClock(0);
    const p = pool({ clock, failuresToOpen: 1, openForMs: 500 }, [1, 1]);
    (await p.acquire({ signal, prefer: "gpu-0" })).release("failed");
    clock.advance(500);
    (await p.acquire({ signal, prefer: "gpu-0" })).release("failed");
    expect(p.snapshot().endpoints[0]?.circuit).toBe("open");
  });

  it("opens on a high error rate even when failures are not consecutive", async () => {
    const p = pool({ failuresToOpen: 99, errorRateToOpen: 0.5, minRequestsForRate: 4 }, [4]);
    for (const outcome of ["failed", "ok", "failed", "failed"] as const) (await p.acquire({ signal })).release(outcome);
    expect(p.snapshot().endpoints[0]?.circuit).toBe("open");
  });

  it("aborts do not count as failures", async () => {
    const p = pool({ failuresToOpen: 1 }, [1]);
    (await p.acquire({ signal })).release("aborted");
    expect(p.snapshot().endpoints[0]).toMatchObject({ circuit: "closed", failures: 0 });
  });

  it("when nothing is usable it fails at once, retryable, so the fallback chain can answer", async () => {
    const p = pool({ failuresToOpen: 1 }, [1]);
    (await p.acquire({ signal })).release("failed");
    const err = await p.acquire({ signal }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).retryable).toBe(true);
  });

  it("waiters are failed when the last usable endpoint breaks while they wait", async () => {
    const p = pool({ failuresToOpen: 1 }, [1]);
    const held = await p.acquire({ signal });
    const waiting = p.acquire({ signal });
    held.release("failed");
    await expect(waiting).rejects.toThrow(/no healthy endpoint/);
  });

  it("an active probe takes a dead endpoint out and puts it back when it answers again", async () => {
    const alive = new Map([["t0", false], ["t1", true]]);
    const p = pool({ probe: async (t) => alive.get(t) ?? false }, [1, 1]);
    await p.probeAll();
    expect(p.snapshot().endpoints.map((e) => e.up)).toEqual([false, true]);
    expect((await p.acquire({ signal, prefer: "gpu-0" })).endpoint.id).toBe("gpu-1");
    alive.set("t0", true);
    await p.probeAll();
    expect((await p.acquire({ signal, prefer: "gpu-0" })).endpoint.id).toBe("gpu-0");
  });

  it("renders health and load per endpoint in Prometheus text format", async () => {
    const p = pool({}, [1, 2]);
    await p.acquire({ signal, prefer: "gpu-1" });
    const text = renderPrometheus([p.snapshot()]);
    expect(text).toContain("# TYPE mirror_pool_endpoint_inflight gauge");
    expect(text).toContain('mirror_pool_endpoint_inflight{pool="tts/test",endpoint="gpu-1"} 1');
    expect(text).toContain('mirror_pool_endpoint_up{pool="tts/test",endpoint="gpu-0"} 1');
    expect(text).toContain('mirror_pool_queued{pool="tts/test"} 0');
    for (const line of text.trim().split("\n")) expect(line).toMatch(/^(# (HELP|TYPE) \w+ .+|\w+(\{[^}]*\})? -?[\d.e+-]+)$/);
  });
});
