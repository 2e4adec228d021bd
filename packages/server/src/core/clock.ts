/** Wall/monotonic time in milliseconds. Injected everywhere so tests can drive time. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => performance.now() };

/** A clock the test moves by hand. */
export class ManualClock implements Clock {
  constructor(private t = 0) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

/**
 * The audio clock: positions are counted in samples of one stream, never in wall time.
 * Face frames carry the sample of the audio they belong to; whoever plays the audio decides when that is.
 */
export class SampleClock {
  constructor(readonly sampleRate: number) {}
  toSeconds(sample: number): number {
    return sample / this.sampleRate;
  }
  toSample(seconds: number): number {
    return Math.round(seconds * this.sampleRate);
  }
  /** The sample of the n-th frame at `fps` frames per second. */
  frameSample(n: number, fps: number): number {
    return Math.round((n * this.sampleRate) / fps);
  }
}

export type Random = () => number;

/** Deterministic PRNG (mulberry32) for tests and reproducible demos. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
