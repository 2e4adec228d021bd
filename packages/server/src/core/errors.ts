/** A provider failed. `retryable` tells wrappers (fallback, retry) whether another try may succeed. */
export class ProviderError extends Error {
  override readonly name = "ProviderError";
  readonly provider: string;
  readonly retryable: boolean;
  readonly status: number | undefined;

  constructor(provider: string, message: string, opts: { retryable: boolean; status?: number; cause?: unknown }) {
    super(`${provider}: ${message}`, { cause: opts.cause });
    this.provider = provider;
    this.retryable = opts.retryable;
    this.status = opts.status;
  }
}

/** Thrown (or returned) when the turn's AbortSignal fired: never an error to report, never retried. */
export class AbortedError extends Error {
  override readonly name = "AbortError";
  constructor(reason = "aborted") {
    super(reason);
  }
}

/** Bad input from a visitor or the kiosk: always shown to them kindly, never crashes anything. */
export class InputError extends Error {
  override readonly name = "InputError";
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

export function isAbort(err: unknown, signal?: AbortSignal): boolean {
  if (signal?.aborted) return true;
  return err instanceof AbortedError || (err instanceof Error && err.name === "AbortError");
}

export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new AbortedError(String(signal.reason ?? "aborted"));
}

/** Wraps any thrown value as a ProviderError; a network/5xx/timeout kind of failure counts as retryable. */
export function toProviderError(provider: string, err: unknown): ProviderError {
  if (err instanceof ProviderError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const status = typeof (err as { status?: unknown })?.status === "number" ? (err as { status: number }).status : undefined;
  const retryable = status === undefined ? true : status === 408 || status === 429 || status >= 500;
  return new ProviderError(provider, message, { retryable, ...(status !== undefined ? { status } : {}), cause: err });
}

/** The first system error code (ECONNREFUSED, ECONNRESET, UND_ERR_SOCKET, …) in an error's cause chain, if any. */
export function networkCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; e && depth < 8; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^[A-Z][A-Z_]+$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
