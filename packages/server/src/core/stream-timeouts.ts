import { deadline } from "./deadline.js";
import { AbortedError, ProviderError } from "./errors.js";

export interface StreamTimeouts {
  /** no first item this long after the request was made: the upstream is hung (retryable failure) */
  firstItemMs?: number;
  /** no item this long between two items: the upstream stalled mid-stream (retryable failure) */
  idleMs?: number;
}

/**
 * Opens a stream with its own AbortSignal (the caller's, plus one fired on timeout) and yields its items, failing
 * with a retryable ProviderError when the first item or the next one is late. The timed-out request is aborted, so
 * its socket is let go. An abort by the caller ends the stream as the opener reports it (usually AbortedError).
 */
export async function* timedStream<T>(
  id: string,
  signal: AbortSignal,
  timeouts: StreamTimeouts,
  open: (signal: AbortSignal) => AsyncIterable<T> | Promise<AsyncIterable<T>>,
): AsyncGenerator<T> {
  const local = new AbortController();
  const combined = AbortSignal.any([signal, local.signal]);
  const abortLocal = (err: Error) => local.abort(err);
  let iterator: AsyncIterator<T> | undefined;
  let first = true;
  try {
    const opened = deadline(Promise.resolve(open(combined)), timeouts.firstItemMs, () => timeoutError(id, "no answer", timeouts.firstItemMs), abortLocal);
    iterator = (await opened)[Symbol.asyncIterator]();
    for (;;) {
      const limit = first ? timeouts.firstItemMs : timeouts.idleMs;
      const next = await deadline(iterator.next(), limit, () => timeoutError(id, first ? "no first data" : "stalled", limit), abortLocal);
      if (next.done) return;
      first = false;
      yield next.value;
    }
  } finally {
    if (!local.signal.aborted && !signal.aborted) local.abort(new AbortedError("stream closed"));
    void iterator?.return?.()?.catch(() => undefined);
  }
}

function timeoutError(id: string, what: string, ms: number | undefined): ProviderError {
  return new ProviderError(id, `${what} within ${ms} ms (timeout)`, { retryable: true });
}
