/**
 * What keeps the Live Link sender on time on a busy machine: a real-time scheduling class for its thread
 * (so a woken sender runs before any speech thread), and a wait that ends on the due instant instead of
 * on the event loop's whole-millisecond timer tick.
 */
import { setPriority } from "node:os";
import koffi from "koffi";

export type ThreadPriority = "realtime" | "nice" | "normal";

const SCHED_FIFO = 1;

/**
 * Raises the calling thread: SCHED_FIFO at `rtPriority` (Linux, root or CAP_SYS_NICE or an rtprio limit),
 * else a nice value of −10, else nothing. The sender sleeps between packets and works ~0.1 ms per packet, so
 * the real-time class cannot starve anything; the kernel's RT throttling caps it at 95 % of a CPU regardless.
 */
export function raiseThreadPriority(rtPriority: number): ThreadPriority {
  if (rtPriority > 0 && process.platform === "linux") {
    try {
      const libc = koffi.load("libc.so.6");
      // anonymous struct: a named koffi type may be declared only once per process, and each sender thread asks
      const param = koffi.pointer(koffi.struct({ sched_priority: "int" }));
      const setScheduler = libc.func("sched_setscheduler", "int", ["int", "int", param]);
      // pid 0 = the calling thread (Linux schedules threads, not processes)
      if (setScheduler(0, SCHED_FIFO, { sched_priority: rtPriority }) === 0) return "realtime";
    } catch {
      // no libc to load (not glibc): fall through to nice
    }
  }
  try {
    setPriority(-10);
    return "nice";
  } catch {
    return "normal";
  }
}

/** Blocks the (worker) thread until `due` (ms on `now`'s clock): a futex sleep, then a spin of at most `spinMs`. */
export class PreciseWait {
  private readonly cell = new Int32Array(new SharedArrayBuffer(4));

  constructor(
    private readonly now: () => number,
    private readonly spinMs = 0.25,
  ) {}

  until(due: number): void {
    let left = due - this.now();
    // Atomics.wait sleeps on a futex with a high-resolution timeout; nothing ever wakes it early
    if (left > this.spinMs) Atomics.wait(this.cell, 0, 0, left - this.spinMs);
    do left = due - this.now();
    while (left > 0);
  }
}
