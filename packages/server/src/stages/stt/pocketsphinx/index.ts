import { existsSync } from "node:fs";
import { MIC_SAMPLE_RATE } from "@mirror/protocol";
import type { Health, StageInfo } from "../../../core/contracts/common.js";
import type { Stt, SttCapabilities, SttEvent, SttStream, SttStreamOptions } from "../../../core/contracts/stt.js";
import { ProviderError } from "../../../core/errors.js";
import { loadSphinx } from "./binding.js";
import { LmBoost } from "./boost.js";
import type { LmBoostOptions } from "./boost.js";
import type { Pointer, SphinxBinding } from "./binding.js";
import { Pool } from "./pool.js";
import { EventQueue } from "./queue.js";

const ID = "stt/pocketsphinx";
const MODEL_DIR = "/usr/share/pocketsphinx/model/en-us";

export interface PocketSphinxOptions {
  /** acoustic model directory (-hmm) */
  hmm?: string;
  /** n-gram language model (-lm) */
  lm?: string;
  /** pronunciation dictionary (-dict) */
  dict?: string;
  /** shared libraries, as dlopen finds them */
  libPocketsphinx?: string;
  libSphinxbase?: string;
  /** extra decoder flags (win over `finalize`) */
  args?: Readonly<Record<string, string>>;
  /**
   * "fast" (default) skips the flat-lexicon second pass: the final comes ~20–40 ms after end() instead of
   * ~150–280 ms, for a WER a few points higher on some voices (measured in docs/ears.md). "accurate" keeps it.
   */
  finalize?: "fast" | "accurate";

  /** most decoders kept at once (each holds the models, ~tens of MB); default 4 */
  maxDecoders?: number;
  /** audio between partial hypotheses (ms); default 100 */
  partialEveryMs?: number;
  /** the experience's likely phrases (and names) interpolated with the general model: boost.ts */
  boost?: LmBoostOptions;
}

interface Decoder {
  ps: Pointer;
  cfg: Pointer;
}

export class PocketSphinxStt implements Stt {
  readonly info: StageInfo = { id: ID, stage: "stt", languages: ["en"], local: true };
  readonly capabilities: SttCapabilities = { streaming: true, partials: true, sampleRate: 16000 };
  private readonly o: Required<Omit<PocketSphinxOptions, "args" | "boost">> & { args: Readonly<Record<string, string>> };
  private readonly boost: LmBoost | null;
  private sphinx: SphinxBinding | null = null;
  private pool: Pool<Decoder> | null = null;

  constructor(opts: PocketSphinxOptions = {}) {
    this.o = {
      hmm: opts.hmm ?? `${MODEL_DIR}/en-us`,
      lm: opts.lm ?? `${MODEL_DIR}/en-us.lm.bin`,
      dict: opts.dict ?? `${MODEL_DIR}/cmudict-en-us.dict`,
      libPocketsphinx: opts.libPocketsphinx ?? "libpocketsphinx.so.3",
      libSphinxbase: opts.libSphinxbase ?? "libsphinxbase.so.3",
      finalize: opts.finalize ?? "fast",
      args: { ...((opts.finalize ?? "fast") === "fast" ? { "-fwdflat": "no" } : {}), ...opts.args },
      maxDecoders: Math.max(1, opts.maxDecoders ?? 4),
      partialEveryMs: opts.partialEveryMs ?? 100,
    };
    this.opts = opts;
    this.boost = opts.boost ? new LmBoost(opts.boost) : null;
  }

  private readonly opts: PocketSphinxOptions;

  /** the words of the phrase model (null without the hook) */
  get boostWords(): ReadonlySet<string> | null {
    return this.boost?.words ?? null;
  }

  /**
   * A recognizer for one visit: the same models and phrases plus the visitor's names, on its own decoder (the
   * dictionary and model then hold the name only as long as the visit does). Close it at the end of the visit.
   */
  forVisit(names: readonly string[]): PocketSphinxStt {
    const boost: LmBoostOptions = { phrases: [], ...this.opts.boost, names: [...(this.opts.boost?.names ?? []), ...names] };
    return new PocketSphinxStt({ ...this.opts, boost, maxDecoders: 1 });
  }

  async warmup(): Promise<void> {
    await this.decoders().fill(1);
  }

  async health(): Promise<Health> {
    try {
      this.decoders();
      return { ok: true, detail: `pocketsphinx, ${this.pool?.size ?? 0} decoder(s) loaded` };
    } catch (err) {
      return { ok: false, detail: err instanceof Error ? err.message : String(err) };
    }
  }

  close(): Promise<void> {
    this.pool?.close();
    this.pool = null;
    return Promise.resolve();
  }

  /** Never throws: a missing library or model, or another language, fails the stream's events instead. */
  open(opts: SttStreamOptions): SttStream {
    const every = Math.round((this.o.partialEveryMs * MIC_SAMPLE_RATE) / 1000);
    try {
      if (opts.language !== "en") throw new ProviderError(ID, `language "${opts.language}" is not supported (only en)`, { retryable: false });
      const pool = this.decoders();
      return new PocketSphinxStream(this.sphinx!, pool, opts.signal, every);
    } catch (err) {
      return failedStream(err);
    }
  }

  /** Loads the libraries and checks the model files on first use; the failure is a non-retryable ProviderError. */
  private decoders(): Pool<Decoder> {
    if (this.pool) return this.pool;
    for (const [flag, path] of [["-hmm", this.o.hmm], ["-lm", this.o.lm], ["-dict", this.o.dict]] as const) {
      if (!existsSync(path)) {
        throw new ProviderError(ID, `model file for ${flag} not found at ${path} (Debian: apt-get install pocketsphinx-en-us)`, { retryable: false });
      }
    }
    try {
      this.sphinx = loadSphinx({ pocketsphinx: this.o.libPocketsphinx, sphinxbase: this.o.libSphinxbase });
    } catch (err) {
      throw new ProviderError(
        ID,
        `cannot load ${this.o.libPocketsphinx} / ${this.o.libSphinxbase} (Debian: apt-get install libpocketsphinx3 libsphinxbase3): ${err instanceof Error ? err.message : String(err)}`,
        { retryable: false, cause: err },
      );
    }
    const sphinx = this.sphinx;
    const args: Record<string, string> = { "-hmm": this.o.hmm, "-lm": this.o.lm, "-dict": this.o.dict, ...this.o.args };
    delete args["-logfn"]; // see binding.ts: logging is silenced once per process
    const boost = this.boost;
    if (boost) delete args["-lm"]; // the boost reads the general model into its interpolated search instead
    this.pool = new Pool<Decoder>(
      async () => {
        const cfg = sphinx.config(args);
        if (!cfg) throw new ProviderError(ID, `invalid decoder flags: ${Object.keys(args).join(" ")}`, { retryable: false });
        const ps = await sphinx.init(cfg);
        if (!ps) {
          sphinx.freeConfig(cfg);
          throw new ProviderError(ID, `decoder failed to load the model (${this.o.hmm}, ${this.o.lm}, ${this.o.dict})`, { retryable: false });
        }
        try {
          await boost?.apply(sphinx, ps, this.o.lm);
        } catch (err) {
          sphinx.free(ps);
          sphinx.freeConfig(cfg);
          throw err;
        }
        return { ps, cfg };
      },
      (d) => {
        sphinx.free(d.ps);
        sphinx.freeConfig(d.cfg);
      },
      this.o.maxDecoders,
    );
    return this.pool;
  }
}

type State = "waiting" | "active" | "ending" | "done";

class PocketSphinxStream implements SttStream {
  private readonly queue = new EventQueue<SttEvent>();
  private state: State = "waiting";
  private decoder: Decoder | null = null;
  private pending: Int16Array[] = [];
  private endRequested = false;
  private sinceHyp = 0;
  private lastHyp = "";

  constructor(
    private readonly sphinx: SphinxBinding,
    private readonly pool: Pool<Decoder>,
    private readonly signal: AbortSignal,
    private readonly partialEvery: number,
  ) {
    if (signal.aborted) {
      this.state = "done";
      this.queue.close();
      return;
    }
    signal.addEventListener("abort", this.onAbort, { once: true });
    const ready = pool.take();
    if (ready) this.begin(ready);
    else pool.acquire(signal).then((d) => this.begin(d), (err: unknown) => this.fail(err));
  }

  get events(): AsyncIterable<SttEvent> {
    return this.queue;
  }

  push(pcm: Int16Array): void {
    if (this.endRequested || this.state === "done" || pcm.length === 0) return;
    if (this.state === "active") this.feed(pcm);
    else this.pending.push(pcm.slice()); // the caller may reuse its buffer
  }

  end(): void {
    if (this.endRequested || this.state === "done") return;
    this.endRequested = true;
    if (this.state === "active") this.finish();
  }

  private readonly onAbort = (): void => {
    if (this.state === "done") return;
    const wasActive = this.state === "active";
    this.state = "done";
    this.pending = [];
    this.queue.clear();
    this.queue.close();
    // a waiting stream hands its decoder back when it arrives; an ending one when ps_end_utt returns
    if (wasActive && this.decoder) this.recycle(this.decoder);
  };

  private begin(d: Decoder): void {
    if (this.state === "done") {
      this.pool.release(d);
      return;
    }
    this.decoder = d;
    if (this.sphinx.startUtt(d.ps) < 0) {
      this.decoder = null;
      this.pool.discard(d);
      this.fail(new ProviderError(ID, "ps_start_utt failed", { retryable: true }));
      return;
    }
    this.state = "active";
    const queued = this.pending;
    this.pending = [];
    for (const pcm of queued) if (this.state === "active") this.feed(pcm);
    if (this.endRequested && this.state === "active") this.finish();
  }

  private feed(pcm: Int16Array): void {
    const d = this.decoder!;
    if (this.sphinx.processRaw(d.ps, pcm) < 0) {
      this.abandon(new ProviderError(ID, "ps_process_raw failed", { retryable: true }));
      return;
    }
    this.sinceHyp += pcm.length;
    if (this.sinceHyp < this.partialEvery) return;
    this.sinceHyp = 0;
    const text = clean(this.sphinx.hyp(d.ps));
    if (text && text !== this.lastHyp) {
      this.lastHyp = text;
      this.queue.push({ type: "partial", text });
    }
  }

  private finish(): void {
    const d = this.decoder!;
    this.state = "ending";
    this.pool.finishingSoon();
    this.sphinx.endUtt(d.ps).then(
      (rc) => {
        if (this.state === "done") return this.pool.release(d, true); // aborted meanwhile
        this.state = "done";
        this.signal.removeEventListener("abort", this.onAbort);
        if (rc < 0) {
          this.pool.discard(d, true);
          this.queue.fail(new ProviderError(ID, "ps_end_utt failed", { retryable: true }));
          return;
        }
        const text = clean(this.sphinx.hyp(d.ps));
        const words = text ? this.sphinx.wordPosteriors(d.ps) : [];
        this.pool.release(d, true);
        const confidence = words.length ? words.reduce((s, w) => s + w.posterior, 0) / words.length : undefined;
        this.queue.push(confidence === undefined ? { type: "final", text } : { type: "final", text, confidence: Math.min(1, confidence) });
        this.queue.close();
      },
      (err: unknown) => {
        const wasDone = this.state === "done";
        this.state = "done";
        this.pool.discard(d, true);
        if (!wasDone) this.queue.fail(new ProviderError(ID, "ps_end_utt failed", { retryable: true, cause: err }));
      },
    );
  }

  /** Fails the stream after a native error mid-utterance; the decoder is ended before reuse. */
  private abandon(err: ProviderError): void {
    const d = this.decoder!;
    this.state = "done";
    this.signal.removeEventListener("abort", this.onAbort);
    this.queue.fail(err);
    this.recycle(d);
  }

  /** Ends the utterance nobody will read, then hands the decoder back. */
  private recycle(d: Decoder): void {
    this.pool.finishingSoon();
    this.sphinx.endUtt(d.ps).then(
      (rc) => (rc < 0 ? this.pool.discard(d, true) : this.pool.release(d, true)),
      () => this.pool.discard(d, true),
    );
  }

  private fail(err: unknown): void {
    if (this.state === "done") return;
    this.state = "done";
    this.signal.removeEventListener("abort", this.onAbort);
    this.queue.fail(err instanceof ProviderError ? err : new ProviderError(ID, err instanceof Error ? err.message : String(err), { retryable: false, cause: err }));
  }
}

function failedStream(err: unknown): SttStream {
  const queue = new EventQueue<SttEvent>();
  queue.fail(err);
  return { push: () => undefined, end: () => undefined, events: queue };
}

/** Lowercase words, single spaces, no filler or alternate-pronunciation marks. */
function clean(hyp: string | null): string {
  if (!hyp) return "";
  return hyp
    .split(/\s+/)
    .filter((w) => w && !/^(<.*>|\[.*\])$/.test(w))
    .map((w) => w.replace(/\(\d+\)$/, "").toLowerCase())
    .join(" ");
}

export function createPocketSphinxStt(opts?: PocketSphinxOptions): PocketSphinxStt {
  return new PocketSphinxStt(opts);
}
