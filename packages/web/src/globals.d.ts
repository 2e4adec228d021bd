// AudioWorkletGlobalScope, which TypeScript's DOM lib does not describe. Only the worklet entry points use these.

declare abstract class AudioWorkletProcessor {
  readonly port: MessagePort;
  constructor(options?: AudioWorkletNodeOptions);
  abstract process(inputs: Float32Array[][], outputs: Float32Array[][], parameters: Record<string, Float32Array>): boolean;
}

declare function registerProcessor(
  name: string,
  processorCtor: new (options: AudioWorkletNodeOptions) => AudioWorkletProcessor,
): void;

/** Sample rate of the AudioContext that owns the worklet. */
declare const sampleRate: number;
/** Context time (s) of the first frame of the block being processed. */
declare const currentTime: number;
/** Index of the first frame of the block being processed. */
declare const currentFrame: number;
