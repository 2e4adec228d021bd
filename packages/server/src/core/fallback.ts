import { systemClock, type Clock, type Random } from "./clock.js";
import type { Health, Lifecycle, StageInfo } from "./contracts/common.js";
import type { Llm, LlmEvent, LlmRequest } from "./contracts/llm.js";
import { ProviderError, isAbort, toProviderError } from "./errors.js";

/** One try: gets a signal that aborts with the turn, or when the try is given up (first-output timeout). */
export type Attempt<T> = (signal: AbortSignal) => AsyncIterable<T>;

export interface AttemptOptions<T> {
  /** the turn's signal: once aborted, the stream ends quietly and nothing is retried */
  signal?: AbortSignal;
  /**
   * True for an item that cannot be taken back (text said, audio played). Items before the first such
   * item are held back, so a failed try leaves no trace. Default: every item commits.
   */
  isCommitted?: (item: T) => boolean;
  /** Give up on a try that has produced no first output after this long (retryable failure). */
  firstOutputTimeoutMs?: number;
  /** what counts as first output for that timeout; default: the first committing item */
  isFirstOutput?: (item: T) => boolean;
  /** Give up on a try that goes quiet for this long between items (a hung upstream). */
  idleTimeoutMs?: number;
  /** every failed try, committed or not (health tracking, logs) */
  onFailure?: (id: string, error: ProviderError, committed: boolean) => void;
  /** a try that committed its first item, or ended cleanly (health tracking) */
  onSuccess?: (id: string) => void;
  /** a try that fails after committing: "throw" (default) its error, or "end" the stream quietly */
  afterCommit?: "throw" | "end";
  /** A try that ends without committing anything failed (retryable), unless it is the last one. */
  requireOutput?: boolean;
}

export interface FallbackOptions<T> extends AttemptOptions<T> {
  /** names of the attempts, for onFallback and errors; default "attempt-1", "attempt-2", … */
  ids?: readonly string[];
  /** switch on non-retryable errors too (a misconfigured key should not silence the double) */
  onAnyError?: boolean;
  onFallback?: (fromId: string, toId: string, error: ProviderError) => void;
}

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface RetryOptions<T> extends AttemptOptions<T> {
  /** tries in all, including the first; at least 1 */
  attempts: number;
  /** wait before the second try; doubles each time; default 100 */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** spread the waits (full jitter) when given */
  random?: Random;
  /** injected so tests do not wait; default: a timer that ends early when the signal aborts */
  sleep?: Sleep;
  id?: string;
  onRetry?: (attempt: number, error: ProviderError, delayMs: number) => void;
}

export const timerSleep: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });

interface RunOptions<T> extends AttemptOptions<T> {
  idOf: (index: number) => string;
  /** may the next try run after this failure of try `index`? */
  shouldContinue: (error: ProviderError, index: number) => boolean;
  beforeNext?: (index: number, error: ProviderError) => Promise<void>;
}

/**
 * Runs `attempts` in order until one streams: a failure before that try committed anything hands
 * over to the next one (`onFallback`); after it committed, the failure propagates, since words
 * already said cannot be unsaid. An aborted turn is never a failure: the stream just ends.
 */
export function fallbackStream<T>(attempts: ReadonlyArray<Attempt<T>>, opts: FallbackOptions<T> = {}): AsyncIterable<T> {
  const idOf = (i: number): string => opts.ids?.[i] ?? `attempt-${i + 1}`;
  return runAttempts(attempts, {
    ...opts,
    idOf,
    shouldContinue: (error, index) => {
      const switches = error.retryable || opts.onAnyError === true;
      if (switches) opts.onFallback?.(idOf(index), idOf(index + 1), error);
      return switches;
    },
  });
}

/** Tries one source up to `opts.attempts` times with exponential backoff, on retryable errors before any output. */
export function retryStream<T>(attempt: Attempt<T>, opts: RetryOptions<T>): AsyncIterable<T> {
  const sleep = opts.sleep ?? timerSleep;
  const base = opts.baseDelayMs ?? 100;
  const max = opts.maxDelayMs ?? 5_000;
  const id = opts.id ?? "attempt";
  return runAttempts(Array.from({ length: Math.max(1, opts.attempts) }, () => attempt), {
    ...opts,
    idOf: () => id,
    shouldContinue: (error) => error.retryable,
    beforeNext: async (index, error) => {
      const ceiling = Math.min(max, base * 2 ** index);
      const delayMs = opts.random ? Math.round(opts.random() * ceiling) : ceiling;
      opts.onRetry?.(index + 2, error, delayMs);
      await sleep(delayMs, opts.signal);
    },
  });
}

async function* runAttempts<T>(attempts: ReadonlyArray<Attempt<T>>, opts: RunOptions<T>): AsyncGenerator<T> {
  const isCommitted = opts.isCommitted ?? (() => true);
  for (let index = 0; index < attempts.length; index++) {
    if (opts.signal?.aborted) return;
    const attempt = attempts[index];
    if (!attempt) continue;
    const id = opts.idOf(index);
    const isLast = index === attempts.length - 1;
    const controller = new AbortController();
    const abortWithTurn = (): void => controller.abort(opts.signal?.reason);
    opts.signal?.addEventListener("abort", abortWithTurn, { once: true });
    let iterator: AsyncIterator<T> | undefined;
    let committed = false;
    let finished = false;
    /** a next() is still pending (the try timed out while waiting for it) */
    let inFlight = false;
    try {
      iterator = attempt(controller.signal)[Symbol.asyncIterator]();
      const held: T[] = [];
      const isFirst = opts.isFirstOutput ?? isCommitted;
      const firstDeadline = opts.firstOutputTimeoutMs !== undefined ? Date.now() + opts.firstOutputTimeoutMs : undefined;
      let started = false;
      for (;;) {
        inFlight = true;
        const limit = nextLimit(started, firstDeadline, opts);
        const result = limit === undefined ? await iterator.next() : await nextBefore(iterator, limit.deadline, id, limit.message);
        inFlight = false;
        if (result.done) break;
        if (!started && isFirst(result.value)) started = true;
        if (committed) {
          yield result.value;
        } else if (isCommitted(result.value)) {
          committed = started = true;
          opts.onSuccess?.(id);
          yield* held.splice(0);
          yield result.value;
        } else {
          held.push(result.value);
        }
      }
      finished = true;
      if (!committed && opts.requireOutput && !isLast) {
        throw new ProviderError(id, "ended without output", { retryable: true });
      }
      if (!committed) opts.onSuccess?.(id);
      yield* held;
      return;
    } catch (err) {
      if (opts.signal?.aborted) return;
      if (isAbort(err)) throw err;
      const error = toProviderError(id, err);
      opts.onFailure?.(id, error, committed);
      if (committed && opts.afterCommit === "end") return;
      if (committed || isLast || !opts.shouldContinue(error, index)) throw error;
      await opts.beforeNext?.(index, error);
    } finally {
      opts.signal?.removeEventListener("abort", abortWithTurn);
      if (!finished) {
        // a try given up (failed, timed out, or the consumer stopped): tell it, and let it close.
        // One still busy in next() cannot close before that settles, so nobody waits for it.
        controller.abort(new Error("attempt abandoned"));
        const closing = iterator?.return?.();
        if (inFlight) void closing?.catch(() => undefined);
        else await closing?.catch(() => undefined);
      }
    }
  }
}

/** The deadline for the next item: the first output's, then the idle limit between items. */
function nextLimit<T>(started: boolean, firstDeadline: number | undefined, opts: AttemptOptions<T>): { deadline: number; message: string } | undefined {
  if (!started && firstDeadline !== undefined) return { deadline: firstDeadline, message: `no output within ${opts.firstOutputTimeoutMs} ms` };
  if (opts.idleTimeoutMs !== undefined) return { deadline: Date.now() + opts.idleTimeoutMs, message: `silent for ${opts.idleTimeoutMs} ms` };
  return undefined;
}

/** The iterator's next item, or a retryable ProviderError when the deadline passes first. */
async function nextBefore<T>(iterator: AsyncIterator<T>, deadline: number, id: string, message: string): Promise<IteratorResult<T>> {
  const next = iterator.next();
  const remaining = deadline - Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new ProviderError(id, message, { retryable: true })),
      Math.max(0, remaining),
    );
  });
  try {
    return await Promise.race([next, timeout]);
  } finally {
    clearTimeout(timer);
    // the losing next() may still reject when the abandoned try is aborted; nobody waits for it
    next.catch(() => undefined);
  }
}

// ---------- LLM wrappers ----------

const llmCommits = (event: LlmEvent): boolean => event.type === "text-delta" && event.text !== "";

/** Text that is no speech: control or replacement characters, a model's special tokens, raw JSON. */
export function isGarbageText(text: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffd]|<\|[a-z_]+\|>|<\/?s>|^\s*\{\s*"/i.test(text);
}

export interface LlmFallbackOptions {
  onAnyError?: boolean;
  onFallback?: (fromId: string, toId: string, error: ProviderError) => void;
  /** every failure of a provider (before or after its first words) */
  onFailure?: (id: string, error: ProviderError) => void;
  /** a provider that started answering */
  onSuccess?: (id: string) => void;
  /** hand over to the next provider when one has not started talking after this long */
  firstTokenTimeoutMs?: number;
  /** a provider that goes quiet this long mid-reply has failed; default 8 000 ms */
  idleTimeoutMs?: number;
  /** a provider that failed is skipped for this long (unless every provider is); default 30 000 ms */
  unhealthyForMs?: number;
  clock?: Clock;
  id?: string;
}

/**
 * Releases a provider's text only up to the last place the sentence chunker would cut (a sentence end
 * followed by a space or a line break; in the first chunk also a clause break past 25 characters; a long
 * run of words): what is released is spoken, so a provider that breaks mid-sentence leaves no half
 * sentence behind. The chunker cuts at the same places, so this costs no latency. Tokens held back show
 * as empty text-deltas, so the first-token and idle timeouts count tokens, not sentences.
 */
async function* releaseBySentence(id: string, events: AsyncIterable<LlmEvent>): AsyncGenerator<LlmEvent> {
  let held = "";
  let released = false;
  const release = (upTo: number): LlmEvent | undefined => {
    const text = held.slice(0, upTo);
    held = held.slice(upTo);
    if (isGarbageText(text)) throw new ProviderError(id, "garbage in the stream", { retryable: true });
    if (text === "") return undefined;
    released = true;
    return { type: "text-delta", text };
  };
  for await (const event of events) {
    if (event.type === "finish") {
      const rest = release(held.length);
      if (rest) yield rest;
      yield event;
      continue;
    }
    if (event.text === "") continue;
    held += event.text;
    // an empty delta for a token that completes nothing: the first-token and idle timeouts see it
    yield release(lastCut(held, !released)) ?? { type: "text-delta", text: "" };
  }
  const rest = release(held.length);
  if (rest) yield rest;
}

const SENTENCE_CUTS = /[.!?…]["')\]”’»]*\s|\n/g;
const CLAUSE_CUTS = /[,;:—–]\s/g;

/** Where the held text can be released up to: the chunker's own cut points (see sentence-chunker.ts). */
function lastCut(text: string, firstChunk: boolean): number {
  let cut = 0;
  for (const m of text.matchAll(SENTENCE_CUTS)) cut = (m.index ?? 0) + m[0].length;
  const clauseMin = firstChunk ? 25 : 60;
  for (const m of text.matchAll(CLAUSE_CUTS)) if ((m.index ?? 0) + 1 >= clauseMin) cut = Math.max(cut, (m.index ?? 0) + m[0].length);
  if (text.length - cut > (firstChunk ? 80 : 220)) cut = Math.max(cut, text.lastIndexOf(" ") + 1);
  return cut;
}

/**
 * One `Llm` made of several, tried in order (e.g. Gemini, then the scripted engine). Providers that
 * do not declare the visit's language are skipped, and so, for `unhealthyForMs`, is one that failed.
 * A provider that fails, returns garbage, says nothing, or has not started within `firstTokenTimeoutMs`
 * hands over to the next. Text is released sentence by sentence, so a provider that breaks mid-stream
 * before its first sentence is complete leaves no trace and the next one answers in the same turn; one
 * that breaks later has been heard already: the reply ends there, without an error.
 */
export function withFallback<T extends Llm>(providers: readonly T[], opts: LlmFallbackOptions = {}): Llm {
  if (providers.length === 0) throw new Error("withFallback needs at least one provider");
  const info: StageInfo = {
    id: opts.id ?? `fallback(${providers.map((p) => p.info.id).join(",")})`,
    stage: "llm",
    languages: combinedLanguages(providers),
    local: providers.every((p) => p.info.local),
  };
  const now = (): number => (opts.clock ?? systemClock).now();
  const unhealthyUntil = new Map<string, number>();
  const healthy = (p: Llm): boolean => (unhealthyUntil.get(p.info.id) ?? -Infinity) <= now();

  function stream(req: LlmRequest): AsyncIterable<LlmEvent> {
    const speaking = providers.filter((p) => p.info.languages === "any" || p.info.languages.includes(req.context.language));
    const candidates = speaking.length > 0 ? speaking : providers;
    const up = candidates.filter(healthy);
    const chain = up.length > 0 ? up : candidates;
    let finished = false;
    const inner = fallbackStream<LlmEvent>(
      chain.map((provider) => (signal: AbortSignal) => releaseBySentence(provider.info.id, provider.stream({ ...req, signal }))),
      {
        ids: chain.map((p) => p.info.id),
        signal: req.signal,
        isCommitted: llmCommits,
        isFirstOutput: (e) => e.type === "text-delta",
        requireOutput: true,
        afterCommit: "end",
        firstOutputTimeoutMs: opts.firstTokenTimeoutMs,
        idleTimeoutMs: opts.idleTimeoutMs ?? 8_000,
        onAnyError: opts.onAnyError,
        onFallback: opts.onFallback,
        ...(opts.onSuccess ? { onSuccess: opts.onSuccess } : {}),
        onFailure: (id, error) => {
          unhealthyUntil.set(id, now() + (opts.unhealthyForMs ?? 30_000));
          opts.onFailure?.(id, error);
        },
      },
    );
    return (async function* () {
      for await (const event of inner) {
        if (event.type === "text-delta" && event.text === "") continue;
        if (event.type === "finish") finished = true;
        yield event;
      }
      // a provider that broke after its first sentences: the reply ends where it was cut
      if (!finished && !req.signal.aborted) yield { type: "finish", reason: "stop" } satisfies LlmEvent;
    })();
  }

  return {
    info,
    capabilities: { streaming: providers.every((p) => p.capabilities.streaming) },
    stream,
    ...groupLifecycle(providers, (p) => (healthy(p) ? undefined : `failed recently, skipped until ${Math.round((unhealthyUntil.get(p.info.id) ?? 0) - now())} ms from now`)),
  };
}

export type LlmRetryOptions = Omit<RetryOptions<LlmEvent>, "signal" | "isCommitted" | "id">;

/** Retries one `Llm` on retryable errors before its first words, with backoff. */
export function withRetry(llm: Llm, opts: LlmRetryOptions): Llm {
  return {
    info: llm.info,
    capabilities: llm.capabilities,
    stream: (req) =>
      retryStream<LlmEvent>((signal) => llm.stream({ ...req, signal }), {
        ...opts,
        id: llm.info.id,
        signal: req.signal,
        isCommitted: llmCommits,
      }),
    ...groupLifecycle([llm]),
  };
}

function combinedLanguages(providers: readonly Llm[]): StageInfo["languages"] {
  if (providers.some((p) => p.info.languages === "any")) return "any";
  return [...new Set(providers.flatMap((p) => (p.info.languages === "any" ? [] : p.info.languages)))];
}

/** Lifecycle of a group: ready when any member is (the others are what fallbacks are for). */
export function groupLifecycle<M extends Lifecycle & { readonly info: StageInfo }>(
  members: readonly M[],
  skipped: (member: M) => string | undefined = () => undefined,
): Required<Lifecycle> {
  return {
    async warmup() {
      const results = await Promise.allSettled(members.map(async (m) => m.warmup?.()));
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
      if (failed.length === members.length && failed[0]) throw failed[0].reason;
    },
    async health(): Promise<Health> {
      const reports = await Promise.all(
        members.map(async (m) => {
          try {
            const reason = skipped(m);
            if (reason !== undefined) return { id: m.info.id, ok: false, detail: reason };
            const health = (await m.health?.()) ?? { ok: true, detail: "no health check" };
            return { id: m.info.id, ...health };
          } catch (err) {
            return { id: m.info.id, ok: false, detail: err instanceof Error ? err.message : String(err) };
          }
        }),
      );
      return { ok: reports.some((r) => r.ok), detail: reports.map((r) => `${r.id}: ${r.ok ? "ok" : "down"} (${r.detail})`).join("; ") };
    },
    async close() {
      await Promise.allSettled(members.map(async (m) => m.close?.()));
    },
  };
}
