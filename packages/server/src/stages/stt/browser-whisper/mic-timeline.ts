/**
 * Where the server's mic stream sits on the kiosk's own sample count. The kiosk stamps every mic frame with its
 * running sample position (frames it skipped on a stalled link leave a gap); the server counts what it received.
 * The kiosk keeps its recent mic audio by its own stamps, so a stretch the server heard is asked for in those.
 */
export class MicTimeline {
  /** recent frames, oldest first: where each starts on the server's count and on the kiosk's */
  private readonly frames: Array<{ server: number; kiosk: number; length: number }> = [];
  private position = 0;

  constructor(private readonly keepSamples = 60 * 16_000) {}

  /** One mic frame as it reaches the conversation. */
  add(kioskSample: number, length: number): void {
    this.frames.push({ server: this.position, kiosk: kioskSample, length });
    this.position += length;
    while (this.frames.length > 1 && (this.frames[0]?.server ?? 0) + (this.frames[0]?.length ?? 0) < this.position - this.keepSamples) this.frames.shift();
  }

  /** samples received so far */
  get end(): number {
    return this.position;
  }

  /** The kiosk's stamps of the last `samples` received, or null when they are older than what is kept. */
  lastStretch(samples: number): { fromSample: number; toSample: number } | null {
    if (samples <= 0 || samples > this.position) return null;
    const from = this.kioskAt(this.position - samples);
    const last = this.kioskAt(this.position - 1);
    return from === null || last === null ? null : { fromSample: from, toSample: last + 1 };
  }

  private kioskAt(serverSample: number): number | null {
    for (let i = this.frames.length - 1; i >= 0; i--) {
      const f = this.frames[i];
      if (f && serverSample >= f.server && serverSample < f.server + f.length) return f.kiosk + (serverSample - f.server);
    }
    return null;
  }
}
