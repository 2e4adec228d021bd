/**
 * The faults an external provider can show, as the fault proxies (http-fault-proxy.ts, tcp-fault-proxy.ts) inject
 * them between a provider and its healthy fake. A fault applies to the requests (or connections) it matches; the
 * others pass through untouched, so a provider can clone a voice through a healthy path and then meet the fault.
 */
export type Fault =
  /** pass everything through */
  | { kind: "none" }
  /** nothing listens: the proxy's port is closed while this fault is set (connection refused) */
  | { kind: "refused" }
  /** the connection is accepted, then reset before any answer */
  | { kind: "reset" }
  /** the request is read and never answered (a hung server; the client's timeout must fire) */
  | { kind: "hang" }
  /** an HTTP error answer; `retryAfterS` adds a Retry-After header (429, 503) */
  | { kind: "status"; status: number; retryAfterS?: number; contentType?: string; body?: string }
  /** a 200 whose body is not what the client expects (invalid JSON, broken SSE, HTML from a portal, wrong audio) */
  | { kind: "malformed"; contentType: string; body: string | Uint8Array }
  /** the upstream's real answer, cut after `afterBytes` bytes of body: the socket is destroyed */
  | { kind: "truncate"; afterBytes: number }
  /** the upstream's headers, then its body one byte every `intervalMs` (slow-loris) */
  | { kind: "slow-loris"; intervalMs: number };

export type FaultKind = Fault["kind"];

/** Short names for tables and test titles. */
export function describeFault(f: Fault): string {
  switch (f.kind) {
    case "none":
      return "healthy";
    case "refused":
      return "connection refused";
    case "reset":
      return "connection reset";
    case "hang":
      return "accepted, never answered";
    case "status":
      return `HTTP ${f.status}${f.retryAfterS !== undefined ? ` (Retry-After ${f.retryAfterS})` : ""}`;
    case "malformed":
      return `malformed body (${f.contentType})`;
    case "truncate":
      return `truncated after ${f.afterBytes} bytes`;
    case "slow-loris":
      return `slow-loris (1 byte / ${f.intervalMs} ms)`;
  }
}

/** A JSON error body in the shape OpenAI-compatible servers and Google APIs both use. */
export function errorBody(status: number): string {
  const names: Record<number, string> = { 401: "UNAUTHENTICATED", 404: "NOT_FOUND", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE" };
  return JSON.stringify({ error: { code: status, message: `injected fault ${status}`, status: names[status] ?? "UNKNOWN", type: status >= 500 ? "server_error" : "invalid_request_error" } });
}
