import type { Health, StageInfo } from "../../core/contracts/common.js";
import type { Vad, VadOptions, VadSession } from "../../core/contracts/vad.js";
import { toProviderError, type ProviderError } from "../../core/errors.js";

export interface VadFallbackOptions {
  /** told once, when the primary cannot be built, warmed up or opened */
  onFallback?: (error: ProviderError) => void;
}

/**
 * A VAD that is the primary (e.g. Silero) while it works and the fallback (the energy VAD) from the first failure
 * on: a missing native package, a model that will not load. Sessions already open keep their detector.
 */
export class FallbackVad implements Vad {
  readonly capabilities = { sampleRate: 16000 } as const;
  private active: Vad;
  private failure: ProviderError | null = null;

  constructor(
    primary: () => Vad,
    private readonly fallback: Vad,
    private readonly o: VadFallbackOptions = {},
  ) {
    try {
      this.active = primary();
    } catch (err) {
      this.active = fallback;
      this.fail(err);
    }
  }

  get info(): StageInfo {
    return this.active.info;
  }

  /** the error that made it fall back, if it did */
  get fallbackReason(): ProviderError | null {
    return this.failure;
  }

  async warmup(): Promise<void> {
    if (this.active === this.fallback) return this.fallback.warmup?.();
    try {
      await this.active.warmup?.();
    } catch (err) {
      this.switchToFallback(err);
      await this.fallback.warmup?.();
    }
  }

  open(opts?: VadOptions): VadSession {
    if (this.active !== this.fallback) {
      try {
        return this.active.open(opts);
      } catch (err) {
        this.switchToFallback(err);
      }
    }
    return this.fallback.open(opts);
  }

  async health(): Promise<Health> {
    const h = (await this.active.health?.()) ?? { ok: true, detail: this.active.info.id };
    return this.failure ? { ok: h.ok, detail: `${h.detail} (fallback: ${this.failure.message})` } : h;
  }

  async close(): Promise<void> {
    await Promise.all([this.active === this.fallback ? undefined : this.active.close?.(), this.fallback.close?.()]);
  }

  private switchToFallback(err: unknown): void {
    this.active.close?.().catch(() => undefined);
    this.active = this.fallback;
    this.fail(err);
  }

  private fail(err: unknown): void {
    this.failure = toProviderError("vad", err);
    this.o.onFallback?.(this.failure);
  }
}

export function withVadFallback(primary: () => Vad, fallback: Vad, opts?: VadFallbackOptions): FallbackVad {
  return new FallbackVad(primary, fallback, opts);
}
