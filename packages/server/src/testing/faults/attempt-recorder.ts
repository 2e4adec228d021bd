import type { ProviderError } from "../../core/errors.js";
import type { ProviderStatusBoard } from "../../observers/provider-status.js";
import type { AttemptResult } from "./fault-table.js";

/** What one request through a fallback chain did, as its hooks and its output tell it; feeds the status board too. */
export class AttemptRecorder {
  private readonly t0 = performance.now();
  private failure: ProviderError | null = null;
  private failedMs: number | null = null;
  private answeredBy: string | null = null;
  private firstOutputMs: number | null = null;
  private amount = 0;

  constructor(
    private readonly providerId: string,
    private readonly board: ProviderStatusBoard,
  ) {}

  readonly onFailure = (id: string, error: ProviderError): void => {
    this.board.failure(id, error);
    if (id === this.providerId && !this.failure) {
      this.failure = error;
      this.failedMs = performance.now() - this.t0;
    }
  };

  readonly onSuccess = (id: string): void => {
    this.board.success(id);
    this.answeredBy ??= id;
  };

  /** `n` characters or samples reached the visitor */
  output(n: number): void {
    if (n <= 0) return;
    this.firstOutputMs ??= performance.now() - this.t0;
    this.amount += n;
  }

  result(): AttemptResult {
    return { failure: this.failure, failedMs: this.failedMs, answeredBy: this.answeredBy, firstOutputMs: this.firstOutputMs, amount: this.amount };
  }
}

/** The chain's hooks forward to whichever recorder is current (one chain serves every case of a target). */
export class RecorderSlot {
  current: AttemptRecorder | null = null;
  readonly onFailure = (id: string, error: ProviderError): void => this.current?.onFailure(id, error);
  readonly onSuccess = (id: string): void => this.current?.onSuccess(id);
}
