/**
 * What the embedded engines (espeak-ng, flite) share: a process-wide synthesizer that hands its audio to a
 * callback, one synthesis at a time, turned into an abortable async iterator; and the guard that turns an
 * engine's failure into the provider's typed error.
 */
import type { TtsEvent, TtsRequest } from "../../../core/contracts/tts.js";
import { AbortedError, ProviderError, isAbort, throwIfAborted } from "../../../core/errors.js";

/** Serializes access to a global engine; a caller aborted while waiting leaves the line without holding it. */
export class EngineLine {
  private tail: Promise<void> = Promise.resolve();

  acquire(signal: AbortSignal): Promise<() => void> {
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const before = this.tail;
    this.tail = before.then(() => mine);
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        reject(new AbortedError(String(signal.reason ?? "aborted")));
        void before.then(release);
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener("abort", onAbort, { once: true });
      void before.then(() => {
        signal.removeEventListener("abort", onAbort);
        if (signal.aborted) release();
        else resolve(release);
      });
    });
  }
}

/** Handed to the engine's callback: queue an item, or learn that the consumer has gone (then tell the engine to stop). */
export interface CallbackSink<T> {
  push(item: T): void;
  readonly stopped: boolean;
}

/**
 * Runs `start` (set the engine up, begin a synthesis whose callback feeds `sink`) once the line is free, and
 * yields what it queues. The line is released as soon as the engine has finished (what it made waits in the
 * queue), so a consumer that stops pulling cannot block later syntheses. Abort, or leaving the loop, makes
 * `sink.stopped` true, which the callback returns to the engine so it stops at its next buffer.
 */
export async function* callbackStream<T>(
  line: EngineLine,
  signal: AbortSignal,
  start: (sink: CallbackSink<T>) => Promise<unknown>,
  onSettled?: () => void,
): AsyncGenerator<T> {
  const release = await line.acquire(signal);
  const queue: T[] = [];
  let stop = false;
  let done = false;
  let failure: unknown = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  const onAbort = () => {
    stop = true;
    notify();
  };
  signal.addEventListener("abort", onAbort);
  let started = false;
  try {
    const sink: CallbackSink<T> = {
      push(item) {
        queue.push(item);
        notify();
      },
      get stopped() {
        return stop;
      },
    };
    void start(sink)
      .catch((err: unknown) => {
        failure = err;
      })
      .finally(() => {
        done = true;
        onSettled?.();
        release();
        notify();
      });
    started = true;
    for (;;) {
      if (signal.aborted) throw new AbortedError(String(signal.reason ?? "aborted"));
      const next = queue.shift();
      if (next !== undefined) {
        yield next;
        continue;
      }
      if (done) break;
      await new Promise<void>((resolve) => (wake = resolve));
    }
    if (failure !== null) throw failure instanceof Error ? failure : new Error(String(failure));
  } finally {
    stop = true;
    signal.removeEventListener("abort", onAbort);
    if (!started) release();
  }
}

/**
 * The common frame of an embedded provider's `synthesize`: nothing for blank text, aborts pass through as
 * they are, anything else becomes a non-retryable ProviderError of `provider`.
 */
export async function* guardedSynthesis(
  provider: string,
  req: TtsRequest,
  body: (text: string) => AsyncIterable<TtsEvent>,
): AsyncGenerator<TtsEvent> {
  throwIfAborted(req.signal);
  const text = req.text.trim();
  if (text === "") return;
  try {
    yield* body(text);
  } catch (err) {
    if (isAbort(err, req.signal)) throw err;
    if (err instanceof ProviderError) throw err;
    throw new ProviderError(provider, err instanceof Error ? err.message : String(err), { retryable: false, cause: err });
  }
}
