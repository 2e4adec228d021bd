import { OUTPUT_SAMPLE_RATE } from "@mirror/protocol";
import { PLAYER_PROCESSOR, type PlayerCommand, type PlayerEventType, type PlayerReport } from "../../worklets/messages.js";

export interface PlayerEvent {
  type: PlayerEventType;
  turnId: number;
  sample: number;
  /** context time of the event at the worklet (not yet audible: add the output delay) */
  time: number;
}

export type PosReport = Extract<PlayerReport, { type: "pos" }>;

const REPORT_HISTORY = 64; // ~0.7 s of position reports, longer than any output latency

/**
 * The double's voice: an AudioContext at OUTPUT_SAMPLE_RATE with the player worklet, and the audio clock that the
 * face follows. Positions come from the worklet's reports, extrapolated with the context clock and shifted by the
 * output delay, so `position()` is the sample leaving the speaker now.
 */
export class ReplyPlayer {
  private ctx: AudioContext | null = null;
  private node: AudioWorkletNode | null = null;
  private pending: { cmd: PlayerCommand; transfer: Transferable[] }[] = [];
  private reports: PosReport[] = [];
  playedSamples = 0;

  constructor(
    private readonly workletUrl: string,
    private readonly onEvent: (e: PlayerEvent) => void,
    private readonly onError: (message: string) => void,
  ) {}

  /** Call from a user gesture: creates (or resumes) the context and loads the worklet. */
  unlock(): void {
    if (!this.ctx) {
      const ctx = new AudioContext({ sampleRate: OUTPUT_SAMPLE_RATE, latencyHint: "interactive" });
      this.ctx = ctx;
      ctx.audioWorklet
        .addModule(this.workletUrl)
        .then(() => this.attach(ctx))
        .catch((e: unknown) => this.onError(`audio player: ${String(e)}`));
    }
    this.ctx.resume().catch(() => undefined);
  }

  push(turnId: number, sample: number, pcm: Int16Array): void {
    const f = new Float32Array(pcm.length);
    for (let i = 0; i < pcm.length; i++) f[i] = (pcm[i] ?? 0) / 32768;
    this.send({ type: "push", turnId, sample, pcm: f }, [f.buffer]);
  }

  end(turnId: number): void {
    this.send({ type: "end", turnId });
  }

  flush(turnId: number): void {
    this.send({ type: "flush", turnId });
  }

  reset(): void {
    this.send({ type: "reset" });
    this.reports = [];
  }

  /** Seconds between the worklet rendering a sample and the speaker playing it. */
  get outputDelay(): number {
    const ctx = this.ctx;
    if (!ctx) return 0;
    return (ctx.outputLatency || 0) + (ctx.baseLatency || 0);
  }

  /** Context time of what the speaker plays now. */
  audibleTime(): number {
    return this.ctx ? this.ctx.currentTime - this.outputDelay : 0;
  }

  /** Milliseconds since context time `time` became audible (negative: still in the output pipeline). */
  msSinceAudible(time: number): number {
    return (this.audibleTime() - time) * 1000;
  }

  /** Which turn and sample the visitor hears now; null when silence is playing. */
  position(): { turnId: number; sample: number } | null {
    return positionAt(this.reports, this.audibleTime(), this.ctx?.sampleRate ?? OUTPUT_SAMPLE_RATE);
  }

  private attach(ctx: AudioContext): void {
    if (ctx.sampleRate !== OUTPUT_SAMPLE_RATE) {
      this.onError(`audio output runs at ${ctx.sampleRate} Hz, not ${OUTPUT_SAMPLE_RATE} Hz`);
    }
    const node = new AudioWorkletNode(ctx, PLAYER_PROCESSOR, {
      numberOfInputs: 0,
      numberOfOutputs: 1,
      outputChannelCount: [1],
    });
    node.port.onmessage = (e: MessageEvent<PlayerReport>) => this.report(e.data);
    node.connect(ctx.destination);
    this.node = node;
    for (const p of this.pending) node.port.postMessage(p.cmd, p.transfer);
    this.pending = [];
  }

  private report(r: PlayerReport): void {
    if (r.type === "pos") {
      this.playedSamples = r.playedSamples;
      this.reports.push(r);
      if (this.reports.length > REPORT_HISTORY) this.reports.shift();
      return;
    }
    this.onEvent(r);
  }

  private send(cmd: PlayerCommand, transfer: Transferable[] = []): void {
    if (this.node) this.node.port.postMessage(cmd, transfer);
    else this.pending.push({ cmd, transfer });
  }
}

/**
 * The sample audible at context time `now`: from the latest report rendered at or before it, extrapolated by the
 * elapsed time, but never past the next report (it says where playback really went, e.g. an underrun) nor more
 * than 30 ms beyond the newest one.
 */
export function positionAt(
  reports: readonly PosReport[],
  now: number,
  rate: number,
): { turnId: number; sample: number } | null {
  let i = reports.length - 1;
  while (i >= 0 && (reports[i]?.time ?? 0) > now) i--;
  const r = reports[i];
  if (!r || r.turnId === null) return null;
  let sample = r.sample + Math.max(0, now - r.time) * rate;
  const next = reports[i + 1];
  if (next && next.turnId === r.turnId) sample = Math.min(sample, next.sample);
  else sample = Math.min(sample, r.sample + 0.03 * rate);
  return { turnId: r.turnId, sample: Math.round(sample) };
}
