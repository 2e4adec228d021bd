/** Scripted, deterministic stage doubles for core tests. Each records the AbortSignal it was handed. */
import type { StageInfo } from "../../core/contracts/common.js";
import type { LipFrame, Lipsync, LipsyncInput, LipsyncOptions, LipsyncSession } from "../../core/contracts/lipsync.js";
import type { Llm, LlmEvent, LlmRequest } from "../../core/contracts/llm.js";
import type { OutputEvent, Sink } from "../../core/contracts/sink.js";
import type { Tts, TtsEvent, TtsRequest, VoiceProfile, VoiceSample } from "../../core/contracts/tts.js";
import { AsyncQueue } from "../../core/async-queue.js";
import type { ProviderError } from "../../core/errors.js";
import type { Stt, SttEvent, SttStream, SttStreamOptions } from "../../core/contracts/stt.js";

const info = (id: string, stage: StageInfo["stage"]): StageInfo => ({ id, stage, languages: "any", local: true });
const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class FakeLlm implements Llm {
  readonly info = info("llm/fake", "llm");
  readonly capabilities = { streaming: true };
  readonly signals: AbortSignal[] = [];
  constructor(
    private readonly words: string[] = "Hello there. I am your mirror. Tell me more about you.".split(" "),
    private readonly delayMs = 2,
    private readonly failWith: ProviderError | null = null,
  ) {}
  async *stream(req: LlmRequest): AsyncIterable<LlmEvent> {
    this.signals.push(req.signal);
    if (this.failWith) throw this.failWith;
    for (const [i, w] of this.words.entries()) {
      if (req.signal.aborted) return;
      await tick(this.delayMs);
      yield { type: "text-delta", text: (i ? " " : "") + w };
    }
    yield { type: "finish", reason: "stop" };
  }
}

/** 100 ms of 200 Hz tone per word, in 20 ms chunks at 16 kHz, with one phoneme event per word. */
export class FakeTts implements Tts {
  readonly info = info("tts/fake", "tts");
  readonly capabilities = { streaming: true, timings: "phoneme" as const, sampleRate: 16000 };
  readonly signals: AbortSignal[] = [];
  forgotten: string[] = [];
  constructor(private readonly chunkDelayMs = 1) {}
  cloneVoice(sample: VoiceSample): Promise<VoiceProfile> {
    return Promise.resolve({ id: "fake-voice", provider: this.info.id, language: sample.language, medianF0Hz: 200, syllablesPerSecond: 4, state: { reference: sample.pcm.slice() } });
  }
  forgetVoice(voice: VoiceProfile): Promise<void> {
    this.forgotten.push(voice.id);
    return Promise.resolve();
  }
  async *synthesize(req: TtsRequest): AsyncIterable<TtsEvent> {
    this.signals.push(req.signal);
    const words = req.text.split(/\s+/).filter(Boolean);
    for (const [i, _w] of words.entries()) {
      yield { type: "phoneme", phoneme: "a", alphabet: "espeak", start: i * 0.1, end: i * 0.1 + 0.1 };
      for (let c = 0; c < 5; c++) {
        if (req.signal.aborted) return;
        await tick(this.chunkDelayMs);
        const pcm = new Float32Array(320);
        for (let k = 0; k < pcm.length; k++) pcm[k] = 0.3 * Math.sin((2 * Math.PI * 200 * (c * 320 + k)) / 16000);
        yield { type: "audio", pcm, sampleRate: 16000 };
      }
    }
  }
}

/** One frame per 400 output samples received, jawOpen from the chunk's peak. */
export class FakeLipsync implements Lipsync {
  readonly info = info("lipsync/fake", "lipsync");
  readonly capabilities = { usesTimings: false, fps: 60 };
  readonly signals: AbortSignal[] = [];
  open(opts: LipsyncOptions): LipsyncSession {
    this.signals.push(opts.signal);
    const q = new AsyncQueue<LipFrame>();
    let next = 0;
    opts.signal.addEventListener("abort", () => q.close(), { once: true });
    return {
      frames: q,
      push(input: LipsyncInput) {
        if (input.type === "end") return q.close();
        if (input.type !== "audio") return;
        const end = input.sample + input.pcm.length;
        while (next < end) {
          const weights = new Float32Array(52);
          weights[17] = Math.min(1, Math.max(...input.pcm.map(Math.abs)));
          q.push({ sample: next, weights });
          next += 400;
        }
      },
    };
  }
}

export class RecordingSink implements Sink {
  readonly info = info("sink/recording", "sink");
  readonly events: OutputEvent[] = [];
  write(ev: OutputEvent): void {
    this.events.push(ev);
  }
  of<T extends OutputEvent["type"]>(type: T): Array<Extract<OutputEvent, { type: T }>> {
    return this.events.filter((e): e is Extract<OutputEvent, { type: T }> => e.type === type);
  }
}

/** Says `text` for every utterance (or the next of a list, one per stream), after `finalDelayMs`; counts the audio it was given. */
export class FakeStt implements Stt {
  readonly info = info("stt/fake", "stt");
  readonly capabilities = { streaming: true, partials: true, sampleRate: 16000 as const };
  samplesHeard = 0;
  private opened = 0;
  constructor(
    private readonly texts: string | readonly string[] = "hello mirror",
    private readonly finalDelayMs = 5,
  ) {}
  private get text(): string {
    return typeof this.texts === "string" ? this.texts : (this.texts[this.opened - 1] ?? "");
  }
  open(opts: SttStreamOptions): SttStream {
    this.opened++;
    const text = this.text;
    const q = new AsyncQueue<SttEvent>();
    opts.signal.addEventListener("abort", () => q.close(), { once: true });
    return {
      events: q,
      push: (pcm) => {
        this.samplesHeard += pcm.length;
      },
      end: () => {
        setTimeout(() => {
          q.push({ type: "final", text });
          q.close();
        }, this.finalDelayMs);
      },
    };
  }
}
