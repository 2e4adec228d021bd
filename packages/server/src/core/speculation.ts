import { AsyncQueue } from "./async-queue.js";
import type { Llm, LlmEvent, LlmRequest } from "./contracts/llm.js";
import { isAbort } from "./errors.js";

/**
 * Preemptive generation: the brain starts on the visitor's words before the end-of-turn policy commits the turn.
 * This wrapper is itself an Llm: it runs the inner stream into a buffer from construction, and the reply pipeline
 * later reads that buffer through `stream()` as if it had asked just now. `cancel()` throws the work away when
 * the visitor goes on speaking. Only the brain runs ahead; TTS and sinks wait for the commit, so nothing is heard
 * and no CPU-heavy synthesis competes with the microphone while the visitor may still be talking.
 */
export class SpeculativeLlm implements Llm {
  readonly info: Llm["info"];
  readonly capabilities: Llm["capabilities"];
  private readonly controller = new AbortController();
  private readonly buffer = new AsyncQueue<LlmEvent>();
  private taken = false;
  /** clock time of the first text delta, for reporting how much of the brain's latency hid behind the wait */
  firstDeltaAt: number | null = null;

  constructor(
    inner: Llm,
    request: Omit<LlmRequest, "signal">,
    private readonly now: () => number,
  ) {
    this.info = inner.info;
    this.capabilities = inner.capabilities;
    void this.pump(inner, { ...request, signal: this.controller.signal });
  }

  get cancelled(): boolean {
    return this.controller.signal.aborted;
  }

  cancel(): void {
    this.controller.abort("visitor went on");
    this.buffer.close();
  }

  /** Hands the buffered (and still growing) stream to the one pipeline that commits it; the caller's signal aborts it. */
  stream(req: LlmRequest): AsyncIterable<LlmEvent> {
    if (this.taken) throw new Error("a speculative reply is replayed once");
    this.taken = true;
    if (req.signal.aborted) this.cancel();
    else req.signal.addEventListener("abort", () => this.cancel(), { once: true });
    return this.buffer;
  }

  private async pump(inner: Llm, req: LlmRequest): Promise<void> {
    try {
      for await (const ev of inner.stream(req)) {
        if (req.signal.aborted) break;
        if (ev.type === "text-delta" && this.firstDeltaAt === null) this.firstDeltaAt = this.now();
        this.buffer.push(ev);
      }
      this.buffer.close();
    } catch (err) {
      if (isAbort(err, req.signal)) this.buffer.close();
      else this.buffer.fail(err);
    }
  }
}
