export interface FloodLimits {
  /** sustained messages per second (the microphone alone sends 50) */
  messagesPerSecond: number;
  /** how many may come at once above the sustained rate */
  burst: number;
  /** messages dropped within `windowMs` before the connection is closed */
  maxDropped: number;
  windowMs: number;
}

export const DEFAULT_FLOOD_LIMITS: FloodLimits = { messagesPerSecond: 150, burst: 300, maxDropped: 3000, windowMs: 10_000 };

export type FloodVerdict = "accept" | "drop" | "close";

/** A token bucket per connection: a flood is dropped (the sender is told once a second), a long one is closed. */
export class FloodGuard {
  private tokens: number;
  private last: number;
  private windowStart: number;
  private droppedInWindow = 0;
  private lastWarning = -Infinity;
  dropped = 0;

  constructor(
    private readonly limits: FloodLimits = DEFAULT_FLOOD_LIMITS,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = limits.burst;
    this.last = now();
    this.windowStart = this.last;
  }

  check(): FloodVerdict {
    const t = this.now();
    this.tokens = Math.min(this.limits.burst, this.tokens + ((t - this.last) / 1000) * this.limits.messagesPerSecond);
    this.last = t;
    if (t - this.windowStart > this.limits.windowMs) {
      this.windowStart = t;
      this.droppedInWindow = 0;
    }
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return "accept";
    }
    this.dropped++;
    this.droppedInWindow++;
    return this.droppedInWindow > this.limits.maxDropped ? "close" : "drop";
  }

  /** true at most once a second while dropping, so the warning itself is no flood */
  shouldWarn(): boolean {
    const t = this.now();
    if (t - this.lastWarning < 1000) return false;
    this.lastWarning = t;
    return true;
  }
}
