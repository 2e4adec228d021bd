/**
 * The fault table every provider is tried with, and what a provider must make of each fault: a ProviderError with
 * the right `retryable`, classified as one of `classes` on the console. Providers' own limits are set short in the
 * suite (PROVIDER_LIMIT_MS), so a hang or a slow-loris costs a fraction of a second.
 */
import type { ProviderError } from "../../core/errors.js";
import type { ErrorClass, ProviderStatusBoard } from "../../observers/provider-status.js";
import type { Fault } from "./faults.js";
import type { RequestMatcher } from "./http-fault-proxy.js";

/** first-byte / idle / whole-request limits of the providers under test */
export const PROVIDER_LIMIT_MS = 500;
/** slow-loris: one byte this often, slower than the idle limit */
export const DRIBBLE_MS = 1_000;

export interface FaultCase {
  name: string;
  fault: Fault;
  /** which requests get the fault (default: all that reach the proxy) */
  match?: RequestMatcher;
  /** null: healthy, no failure expected */
  retryable: boolean | null;
  classes: readonly ErrorClass[];
  /** the failure must be seen within this long after the request (a limit of the provider fired) */
  failWithinMs: number;
  /** why the provider cannot hang up on this fault (its client has no abort): the leak check is skipped, the reason reported */
  lingers?: string;
}

export interface AttemptResult {
  /** the first failure the chain reported for the provider under test */
  failure: ProviderError | null;
  /** ms from the request to that failure */
  failedMs: number | null;
  /** id of the member that gave the first output */
  answeredBy: string | null;
  /** ms from the request to the first output the visitor gets (text, a final, audio) */
  firstOutputMs: number | null;
  /** how much came out: characters of text or of the final, samples of audio */
  amount: number;
}

export interface RunningTarget {
  setFault(c: FaultCase): Promise<void>;
  /** the provider let go of every answer it gave up on */
  settled(timeoutMs: number): Promise<boolean>;
  /** one request through the real fallback chain [provider, embedded], reporting to `board` */
  attempt(board: ProviderStatusBoard): Promise<AttemptResult>;
  close(): Promise<void>;
}

export interface FaultTarget {
  /** the provider under test's id, as the chain and the console name it */
  providerId: string;
  /** the embedded member that takes over */
  fallbackId: string;
  cases: readonly FaultCase[];
  start(): Promise<RunningTarget>;
}

export interface HttpCaseOptions {
  /** the provider's limit a hang or a slow-loris must meet; default PROVIDER_LIMIT_MS */
  limitMs?: number;
  /** a 200 whose body is broken the way this API's client will meet it */
  malformed: Fault & { kind: "malformed" };
  /** cut the answer before its first usable item */
  truncateAfterBytes: number;
  /** the requests the fault applies to (the synthesis/answer path) */
  match?: RequestMatcher;
  /** per fault name: a different expectation where the client cannot tell (documented in docs/operations.md) */
  overrides?: Readonly<Record<string, Partial<Pick<FaultCase, "retryable" | "classes" | "match" | "lingers">>>>;
}

const QUICK = 1_500;

export function httpCases(o: HttpCaseOptions): FaultCase[] {
  const LIMITED = (o.limitMs ?? PROVIDER_LIMIT_MS) + 1_500;
  const base: FaultCase[] = [
    { name: "healthy", fault: { kind: "none" }, retryable: null, classes: [], failWithinMs: 0 },
    { name: "connection refused", fault: { kind: "refused" }, retryable: true, classes: ["refused"], failWithinMs: QUICK },
    { name: "connection reset", fault: { kind: "reset" }, retryable: true, classes: ["reset", "truncated"], failWithinMs: QUICK },
    { name: "accepted, never answered", fault: { kind: "hang" }, retryable: true, classes: ["timeout"], failWithinMs: LIMITED },
    { name: "HTTP 401", fault: { kind: "status", status: 401 }, retryable: false, classes: ["auth"], failWithinMs: QUICK },
    { name: "HTTP 404", fault: { kind: "status", status: 404 }, retryable: false, classes: ["not-found"], failWithinMs: QUICK },
    { name: "HTTP 429 + Retry-After", fault: { kind: "status", status: 429, retryAfterS: 1 }, retryable: true, classes: ["rate-limited"], failWithinMs: QUICK },
    { name: "HTTP 500", fault: { kind: "status", status: 500 }, retryable: true, classes: ["server-error"], failWithinMs: QUICK },
    { name: "HTTP 503", fault: { kind: "status", status: 503, retryAfterS: 1 }, retryable: true, classes: ["server-error"], failWithinMs: QUICK },
    { name: "malformed body", fault: o.malformed, retryable: true, classes: ["malformed"], failWithinMs: QUICK },
    {
      name: "wrong content type",
      fault: { kind: "malformed", contentType: "text/html; charset=utf-8", body: "<!doctype html><title>Wi-Fi login</title><p>Please sign in." },
      retryable: true,
      classes: ["malformed"],
      failWithinMs: QUICK,
    },
    { name: "truncated stream", fault: { kind: "truncate", afterBytes: o.truncateAfterBytes }, retryable: true, classes: ["truncated", "reset"], failWithinMs: QUICK },
    { name: "slow-loris", fault: { kind: "slow-loris", intervalMs: DRIBBLE_MS }, retryable: true, classes: ["timeout"], failWithinMs: LIMITED },
  ];
  return base.map((c) => ({ ...c, ...(o.match && c.fault.kind !== "none" ? { match: o.match } : {}), ...o.overrides?.[c.name] }));
}

/** The faults a raw TCP provider can meet (no HTTP statuses, no content types). */
export function tcpCases(o: { malformed: Uint8Array; truncateAfterBytes: number }): FaultCase[] {
  const LIMITED = PROVIDER_LIMIT_MS + 1_500;
  return [
    { name: "healthy", fault: { kind: "none" }, retryable: null, classes: [], failWithinMs: 0 },
    { name: "connection refused", fault: { kind: "refused" }, retryable: true, classes: ["refused"], failWithinMs: QUICK },
    { name: "connection reset", fault: { kind: "reset" }, retryable: true, classes: ["reset", "truncated"], failWithinMs: QUICK },
    { name: "accepted, never answered", fault: { kind: "hang" }, retryable: true, classes: ["timeout"], failWithinMs: LIMITED },
    { name: "malformed body", fault: { kind: "malformed", contentType: "", body: o.malformed }, retryable: true, classes: ["malformed"], failWithinMs: QUICK },
    { name: "truncated stream", fault: { kind: "truncate", afterBytes: o.truncateAfterBytes }, retryable: true, classes: ["truncated", "reset"], failWithinMs: QUICK },
    { name: "slow-loris", fault: { kind: "slow-loris", intervalMs: DRIBBLE_MS }, retryable: true, classes: ["timeout"], failWithinMs: LIMITED },
  ];
}
