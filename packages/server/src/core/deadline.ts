/**
 * The promise's value, or `error()` thrown when `ms` passes first; `onLate` then runs with that error (to abort or
 * stop the late work: the race settles with the timeout first, not with what the abort causes). The promise itself
 * runs on, its rejection observed. No `ms` (or ≤ 0): the promise as it is.
 */
export function deadline<T>(p: Promise<T>, ms: number | undefined, error: () => Error, onLate?: (err: Error) => void): Promise<T> {
  if (ms === undefined || ms <= 0) return p;
  p.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = error();
      reject(err);
      onLate?.(err);
    }, ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}
