/** Single-consumer async queue behind SttStream.events. */
export class EventQueue<T> implements AsyncIterable<T> {
  private items: T[] = [];
  private waiter: { resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void } | null = null;
  private closed = false;
  private error: { err: unknown } | null = null;

  push(item: T): void {
    if (this.closed) return;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      w.resolve({ value: item, done: false });
    } else this.items.push(item);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.waiter?.resolve({ value: undefined, done: true });
    this.waiter = null;
  }

  /** Ends the iteration with `err` once the items already queued have been read. */
  fail(err: unknown): void {
    if (this.closed) return;
    this.closed = true;
    this.error = { err };
    this.waiter?.reject(err);
    this.waiter = null;
  }

  /** Drops undelivered items. */
  clear(): void {
    this.items.length = 0;
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => {
        if (this.items.length > 0) return Promise.resolve({ value: this.items.shift() as T, done: false });
        if (this.error) return Promise.reject(this.error.err);
        if (this.closed) return Promise.resolve({ value: undefined, done: true });
        return new Promise<IteratorResult<T>>((resolve, reject) => {
          this.waiter = { resolve, reject };
        });
      },
      return: () => {
        this.closed = true;
        this.items.length = 0;
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}
