/**
 * Per-provider health as the visits see it: every failure a fallback chain reports (with its error class) and
 * every success, folded into ok | degraded | down. Shown on the operator console next to the providers' own
 * health checks. Holds ids, states, error classes and times only: never a message body, a key or a visitor's words.
 */
import type { Health } from "../core/contracts/common.js";
import type { ProviderError } from "../core/errors.js";

export type ProviderState = "ok" | "degraded" | "down";

export type ErrorClass =
  | "timeout"
  | "refused"
  | "reset"
  | "auth"
  | "not-found"
  | "rate-limited"
  | "client-error"
  | "server-error"
  | "malformed"
  | "truncated"
  | "other";

export interface ProviderStatus {
  id: string;
  state: ProviderState;
  lastError: ErrorClass | null;
  /** ISO time of the last failure */
  lastErrorAt: string | null;
  consecutiveFailures: number;
  failures: number;
  successes: number;
}

/** What kind of failure it was, from the status and the error chain's codes (never from a body). */
export function classifyError(err: ProviderError): ErrorClass {
  const s = err.status;
  if (s !== undefined) {
    if (s === 401 || s === 403) return "auth";
    if (s === 404) return "not-found";
    if (s === 408) return "timeout";
    if (s === 429) return "rate-limited";
    if (s >= 500) return "server-error";
    if (s >= 400) return "client-error";
  }
  const text = chainText(err);
  if (/ECONNREFUSED|connection refused/i.test(text)) return "refused";
  if (/timeout|timed out|within \d+ ms|silent for|ETIMEDOUT/i.test(text)) return "timeout";
  if (/malformed|JSON|not a WAV|wrong audio format|garbage|unexpected token|out of range|no text field/i.test(text)) return "malformed";
  if (/ECONNRESET|UND_ERR_SOCKET|socket hang up|other side closed|reset/i.test(text)) return "reset";
  if (/terminated|premature|closed the connection|mid-reply|ended without|other side closed|aborted/i.test(text)) return "truncated";
  return "other";
}

/** Messages and codes of the error and its causes, for classification only (never shown). */
function chainText(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let depth = 0; e && depth < 6; depth++) {
    const o = e as { message?: unknown; code?: unknown; name?: unknown; cause?: unknown };
    parts.push(String(o.name ?? ""), String(o.code ?? ""), typeof o.message === "string" ? o.message : "");
    e = o.cause;
  }
  return parts.join(" ");
}

export interface ProviderStatusOptions {
  /** this many failures in a row make a provider "down"; default 3 */
  downAfter?: number;
  now?: () => number;
}

export class ProviderStatusBoard {
  private readonly entries = new Map<string, ProviderStatus>();
  private readonly listeners = new Set<(s: ProviderStatus) => void>();

  constructor(private readonly o: ProviderStatusOptions = {}) {}

  success(id: string): void {
    const e = this.entry(id);
    e.successes++;
    e.consecutiveFailures = 0;
    this.update(e, "ok");
  }

  /**
   * A failure: "down" when it will not heal by retrying (a wrong key or model, nothing listening) or after
   * `downAfter` in a row; "degraded" otherwise.
   */
  failure(id: string, error: ProviderError): void {
    const e = this.entry(id);
    const kind = classifyError(error);
    e.failures++;
    e.consecutiveFailures++;
    e.lastError = kind;
    e.lastErrorAt = new Date(this.o.now?.() ?? Date.now()).toISOString();
    const down = !error.retryable || kind === "refused" || e.consecutiveFailures >= (this.o.downAfter ?? 3);
    this.update(e, down ? "down" : "degraded");
  }

  get(id: string): ProviderStatus | undefined {
    const e = this.entries.get(id);
    return e ? { ...e } : undefined;
  }

  snapshot(): ProviderStatus[] {
    return [...this.entries.values()].map((e) => ({ ...e }));
  }

  /** For the console's health view: one entry per provider seen by a chain, keyed "<stage> · <id>". */
  health(): Record<string, Health & { state: ProviderState; lastError?: string }> {
    return Object.fromEntries(
      this.snapshot().map((s) => [
        `${s.id.split("/")[0] ?? "provider"} · ${s.id}`,
        {
          ok: s.state !== "down",
          state: s.state,
          ...(s.lastError ? { lastError: s.lastError } : {}),
          detail: s.lastError ? `${s.state}: last error ${s.lastError} at ${s.lastErrorAt ?? "?"}, ${s.consecutiveFailures} in a row` : `${s.state}: ${s.successes} answers`,
        },
      ]),
    );
  }

  /** Called on every change of state (the console pushes it at once). Returns the unsubscribe. */
  subscribe(listener: (s: ProviderStatus) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  private entry(id: string): ProviderStatus {
    let e = this.entries.get(id);
    if (!e) this.entries.set(id, (e = { id, state: "ok", lastError: null, lastErrorAt: null, consecutiveFailures: 0, failures: 0, successes: 0 }));
    return e;
  }

  private update(e: ProviderStatus, state: ProviderState): void {
    const changed = e.state !== state;
    e.state = state;
    if (changed) for (const l of this.listeners) l({ ...e });
  }
}
