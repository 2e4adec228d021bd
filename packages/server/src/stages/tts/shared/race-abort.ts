import { AbortedError } from "../../../core/errors.js";

/** `p`, or AbortedError as soon as `signal` aborts (`p` itself runs on: shared work one caller must not cancel). */
export function raceAbort<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new AbortedError(String(signal.reason ?? "aborted")));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new AbortedError(String(signal.reason ?? "aborted")));
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
