import { Downsampler } from "./downsampler.js";
import { CAPTURE_PROCESSOR, type CaptureFrame, type CaptureOptions } from "./messages.js";

/** Microphone → anti-aliased downsampling to `outRate` → int16 frames of `frameSamples`, each with its level. */
class CaptureProcessor extends AudioWorkletProcessor {
  private readonly ds: Downsampler;
  private readonly scratch: Float32Array;
  private readonly frameSamples: number;
  private frame: Int16Array;
  private fill = 0;
  private sumSq = 0;
  private peak = 0;

  constructor(options: AudioWorkletNodeOptions) {
    super(options);
    const opts = options.processorOptions as CaptureOptions;
    this.frameSamples = opts.frameSamples;
    this.ds = new Downsampler(sampleRate, opts.outRate);
    this.scratch = new Float32Array(this.ds.maxOutput(1024));
    this.frame = new Int16Array(this.frameSamples);
  }

  process(inputs: Float32Array[][]): boolean {
    const input = inputs[0]?.[0];
    if (!input) return true;
    const n = this.ds.process(input, this.scratch);
    for (let i = 0; i < n; i++) {
      const s = Math.max(-1, Math.min(1, this.scratch[i] ?? 0));
      this.frame[this.fill++] = Math.round(s * 32767);
      this.sumSq += s * s;
      const a = Math.abs(s);
      if (a > this.peak) this.peak = a;
      if (this.fill === this.frameSamples) this.emit();
    }
    return true;
  }

  private emit(): void {
    const msg: CaptureFrame = {
      type: "frame",
      pcm: this.frame,
      rms: Math.sqrt(this.sumSq / this.frameSamples),
      peak: this.peak,
    };
    this.port.postMessage(msg, [this.frame.buffer]);
    this.frame = new Int16Array(this.frameSamples);
    this.fill = 0;
    this.sumSq = 0;
    this.peak = 0;
  }
}

registerProcessor(CAPTURE_PROCESSOR, CaptureProcessor);
