/**
 * The kiosk's recent mic audio, by the running sample stamps its frames carry to the server, so the server can ask
 * for "samples a to b" and get exactly what it heard. A ring: older audio is overwritten, and wipe() zeroes it.
 */
export class MicHistory {
  private readonly ring: Int16Array;
  /** stamp just past the newest sample held */
  private end = 0;
  /** stamp of the oldest sample held */
  private start = 0;

  constructor(readonly capacity = 30 * 16_000) {
    this.ring = new Int16Array(capacity);
  }

  push(sample: number, pcm: Int16Array): void {
    if (sample < this.end) return; // out of order or a repeat: never rewrite the past
    if (sample > this.end) this.fill(this.end, sample); // a gap (the kiosk's mic restarted): silence
    for (let i = 0; i < pcm.length; i++) this.ring[(sample + i) % this.capacity] = pcm[i] ?? 0;
    this.end = sample + pcm.length;
    this.start = Math.max(this.start, this.end - this.capacity);
  }

  /** Samples [from, to) as float −1…1, or null when they are not all held. */
  slice(from: number, to: number): Float32Array | null {
    if (!(to > from) || from < this.start || to > this.end) return null;
    const out = new Float32Array(to - from);
    for (let s = from; s < to; s++) out[s - from] = (this.ring[s % this.capacity] ?? 0) / 32768;
    return out;
  }

  wipe(): void {
    this.ring.fill(0);
    this.start = this.end;
  }

  private fill(from: number, to: number): void {
    for (let s = Math.max(from, to - this.capacity); s < to; s++) this.ring[s % this.capacity] = 0;
  }
}
