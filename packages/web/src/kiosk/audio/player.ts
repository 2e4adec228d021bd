import { OUTPUT_SAMPLE_RATE } from "@mirror/protocol";
import { PLAYER_PROCESSOR, type PlayerCommand, type PlayerEventType, type PlayerReport } from "../../worklets/messages.js";
import { audibleContextTime, positionAt, renderTimeOf, type PosReport } from "./clock.js";

export { positionAt, type PosReport } from "./clock.js";

export interface PlayerEvent {
  type: PlayerEventType;
  turnId: number;
  sample: number;
  /** context time of the event at the worklet (not yet audible: add the output delay) */
  time: number;
}

const REPORT_HISTORY = 64; // ~0.7 s of position reports, longer than any output latency

/**
 * The double's voice: an AudioContext at OUTPUT_SAMPLE_RATE with the player worklet, and the audio clock that the
 * face follows. Positions come from the worklet's reports, placed on the page's clock by the context's output
 * timestamp, so `position(t)` is the sample leaving the speaker at page time t.
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

  /** silence now, this turn's place kept: its audio clock stops, so the face (which follows it) stops too */
  pause(turnId: number): void {
    this.send({ type: "pause", turnId });
  }

  resume(turnId: number): void {
    this.send({ type: "resume", turnId });
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

  /** Context time of what the speaker plays at page time `atMs` (default: now). */
  audibleTime(atMs = performance.now()): number {
    const ctx = this.ctx;
    if (!ctx) return 0;
    const stamp = ctx.state === "running" ? ctx.getOutputTimestamp() : null;
    const valid = stamp?.contextTime !== undefined && stamp.performanceTime !== undefined ? { contextTime: stamp.contextTime, performanceTime: stamp.performanceTime } : null;
    return audibleContextTime(valid, { currentTime: ctx.currentTime, outputDelay: this.outputDelay, nowMs: performance.now() }, atMs);
  }

  /** Milliseconds since context time `time` became audible (negative: still in the output pipeline). */
  msSinceAudible(time: number): number {
    return (this.audibleTime() - time) * 1000;
  }

  /** Page time (performance.now() clock) at which context time `time` is heard. */
  pageTimeOf(time: number): number {
    const now = performance.now();
    return now + (time - this.audibleTime(now)) * 1000;
  }

  /** Context time at which the worklet rendered `sample` of `turnId` (null: not rendered yet, or forgotten). */
  renderTimeOf(turnId: number, sample: number): number | null {
    return renderTimeOf(this.reports, turnId, sample, this.ctx?.sampleRate ?? OUTPUT_SAMPLE_RATE);
  }

  /** Which turn and sample the visitor hears at page time `atMs` (default: now); null when silence is playing. */
  position(atMs?: number): { turnId: number; sample: number } | null {
    return positionAt(this.reports, this.audibleTime(atMs), this.ctx?.sampleRate ?? OUTPUT_SAMPLE_RATE);
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
      this.remember(r);
      return;
    }
    // a turn's start is exact to the sample: the clock uses it before the next periodic report
    if (r.type === "started") this.remember({ type: "pos", turnId: r.turnId, sample: r.sample, time: r.time, playedSamples: this.playedSamples });
    this.onEvent(r);
  }

  private remember(r: PosReport): void {
    this.reports.push(r);
    if (this.reports.length > REPORT_HISTORY) this.reports.shift();
  }

  private send(cmd: PlayerCommand, transfer: Transferable[] = []): void {
    if (this.node) this.node.port.postMessage(cmd, transfer);
    else this.pending.push({ cmd, transfer });
  }
}
