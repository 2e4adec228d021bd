import { AbortedError } from "../../../core/errors.js";

/**
 * Decoders are heavy (~0.7 s and tens of MB to load) and serve one utterance at a time, so they are
 * kept and reused. A stream that finds none idle waits for one that is finishing its utterance
 * (a fraction of a second) before paying for a new one.
 */
export class Pool<T> {
  private readonly idle: T[] = [];
  private readonly waiters: { resolve: (item: T) => void; reject: (err: unknown) => void }[] = [];
  private count = 0;
  private creating = 0;
  private finishing = 0;
  private closed = false;

  constructor(
    private readonly create: () => Promise<T>,
    private readonly destroy: (item: T) => void,
    private readonly max: number,
  ) {}

  /** An idle item right now, or undefined. */
  take(): T | undefined {
    return this.closed ? undefined : this.idle.pop();
  }

  /** An item, once one is idle or created; aborting the signal gives up the place in line. */
  acquire(signal?: AbortSignal): Promise<T> {
    if (this.closed) return Promise.reject(new Error("pool closed"));
    const ready = this.idle.pop();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new AbortedError());
      };
      const waiter = {
        resolve: (item: T) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(item);
        },
        reject: (err: unknown) => {
          signal?.removeEventListener("abort", onAbort);
          reject(err);
        },
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiters.push(waiter);
      this.grow();
    });
  }

  /** Creates items until `n` exist (warmup). */
  async fill(n: number): Promise<void> {
    const wanted = Math.min(n, this.max) - this.count - this.creating;
    await Promise.all(Array.from({ length: Math.max(0, wanted) }, () => this.spawn()));
  }

  /** The holder will release its item soon: waiters may count on it instead of creating one. */
  finishingSoon(): void {
    this.finishing++;
  }

  release(item: T, wasFinishing = false): void {
    if (wasFinishing) this.finishing--;
    if (this.closed) {
      this.count--;
      this.destroy(item);
      return;
    }
    const w = this.waiters.shift();
    if (w) w.resolve(item);
    else this.idle.push(item);
  }

  /** An item that cannot be reused (e.g. its native call failed). */
  discard(item: T, wasFinishing = false): void {
    if (wasFinishing) this.finishing--;
    this.count--;
    this.destroy(item);
    this.grow();
  }

  get size(): number {
    return this.count;
  }

  close(): void {
    this.closed = true;
    for (const item of this.idle.splice(0)) {
      this.count--;
      this.destroy(item);
    }
    for (const w of this.waiters.splice(0)) w.reject(new Error("pool closed"));
  }

  private grow(): void {
    const uncovered = this.waiters.length - this.finishing - this.creating;
    for (let i = 0; i < uncovered && this.count + this.creating < this.max; i++) {
      this.spawn().then(
        () => undefined,
        (err: unknown) => this.waiters.shift()?.reject(err),
      );
    }
  }

  private async spawn(): Promise<void> {
    this.creating++;
    let item: T;
    try {
      item = await this.create();
    } finally {
      this.creating--;
    }
    this.count++;
    this.release(item);
  }
}
