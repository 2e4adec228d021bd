import { MIC_FRAME_SAMPLES, MIC_SAMPLE_RATE } from "@mirror/protocol";
import { CAPTURE_PROCESSOR, type CaptureFrame, type CaptureOptions } from "../../worklets/messages.js";

export type MicFrame = Omit<CaptureFrame, "type">;

/**
 * The microphone, at MIC_SAMPLE_RATE in MIC_FRAME_SAMPLES frames, from the capture worklet.
 * One stream serves the voice sample and the conversation; echo cancellation stays on because the double speaks
 * from the same booth, and gain control stays off so levels mean something.
 */
export class MicCapture {
  private ctx: AudioContext | null = null;
  private stream: MediaStream | null = null;
  private source: MediaStreamAudioSourceNode | null = null;
  private node: AudioWorkletNode | null = null;
  private moduleLoaded: Promise<void> | null = null;
  /** bumped by stop(): a start() still waiting for the device must not open the mic after it */
  private epoch = 0;
  private readonly listeners = new Set<(f: MicFrame) => void>();

  constructor(private readonly workletUrl: string) {}

  /** Call from a user gesture: creates (or resumes) the context so it is allowed to run. */
  unlock(): void {
    this.ctx ??= new AudioContext({ latencyHint: "interactive" });
    this.ctx.resume().catch(() => undefined);
  }

  async start(): Promise<void> {
    if (this.node) return;
    const epoch = this.epoch;
    this.unlock();
    const ctx = this.ctx;
    if (!ctx) return;
    this.moduleLoaded ??= ctx.audioWorklet.addModule(this.workletUrl);
    const [stream] = await Promise.all([
      navigator.mediaDevices.getUserMedia({
        audio: { echoCancellation: true, noiseSuppression: false, autoGainControl: false, channelCount: 1 },
      }),
      this.moduleLoaded,
    ]);
    if (this.node || epoch !== this.epoch) {
      for (const t of stream.getTracks()) t.stop();
      return;
    }
    const processorOptions: CaptureOptions = { outRate: MIC_SAMPLE_RATE, frameSamples: MIC_FRAME_SAMPLES };
    const node = new AudioWorkletNode(ctx, CAPTURE_PROCESSOR, {
      numberOfInputs: 1,
      numberOfOutputs: 1,
      outputChannelCount: [1],
      channelCount: 1,
      channelCountMode: "explicit",
      processorOptions,
    });
    node.port.onmessage = (e: MessageEvent<CaptureFrame>) => {
      for (const fn of this.listeners) fn(e.data);
    };
    const source = ctx.createMediaStreamSource(stream);
    source.connect(node);
    // the node writes silence; connecting it keeps the graph pulling it
    node.connect(ctx.destination);
    this.stream = stream;
    this.source = source;
    this.node = node;
    await ctx.resume();
  }

  /** Subscribes to frames; returns the unsubscribe function. */
  onFrame(fn: (f: MicFrame) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  stop(): void {
    this.epoch++;
    this.source?.disconnect();
    this.node?.disconnect();
    if (this.node) this.node.port.onmessage = null;
    for (const t of this.stream?.getTracks() ?? []) t.stop();
    this.source = null;
    this.node = null;
    this.stream = null;
  }
}
