import { MIC_SAMPLE_RATE } from "@mirror/protocol";
import type { VadEvent } from "../../core/contracts/vad.js";

export interface SegmenterOptions {
  /** voiced audio (ms) needed before speech-start */
  minSpeechMs: number;
  /** silence (ms) after the last voiced frame before speech-end */
  hangoverMs: number;
  /** unvoiced audio (ms) tolerated inside an onset before it is abandoned */
  onsetGapMs: number;
  /** minimum speech (ms) while the double is speaking (echo guard) */
  echoMinSpeechMs: number;
}

const samplesFor = (ms: number): number => Math.round((ms * MIC_SAMPLE_RATE) / 1000);

/** A duration as a whole number of analysis frames (at least one), in samples: 120 ms is six 20 ms frames or four 32 ms windows. */
function roundToFrames(ms: number, frame: number): number {
  return Math.max(1, Math.round(samplesFor(ms) / frame)) * frame;
}

/**
 * Turns per-frame voiced/unvoiced decisions (from any detector) into speech-start / speech-end events with
 * the contract's timing: start at the first voiced sample of the onset, end at the last voiced sample.
 */
export class VoicedSegmenter {
  private isSpeaking = false;
  private onsetStart = -1;
  private onsetVoiced = 0;
  private onsetGap = 0;
  private lastVoicedEnd = 0;

  constructor(private readonly o: SegmenterOptions) {}

  get speaking(): boolean {
    return this.isSpeaking;
  }

  reset(): void {
    this.isSpeaking = false;
    this.clearOnset();
    this.lastVoicedEnd = 0;
  }

  /** One analysis frame covering stream samples [start, end). */
  frame(start: number, end: number, voiced: boolean, echo: boolean, events: VadEvent[]): void {
    if (this.isSpeaking) {
      if (voiced) this.lastVoicedEnd = end;
      else if (end - this.lastVoicedEnd >= samplesFor(this.o.hangoverMs)) {
        this.isSpeaking = false;
        events.push({ type: "speech-end", sample: this.lastVoicedEnd });
      }
      return;
    }
    if (voiced) {
      if (this.onsetStart < 0) this.onsetStart = start;
      this.onsetVoiced += end - start;
      this.onsetGap = 0;
      this.lastVoicedEnd = end;
      if (this.onsetVoiced >= roundToFrames(echo ? this.o.echoMinSpeechMs : this.o.minSpeechMs, end - start)) {
        this.isSpeaking = true;
        events.push({ type: "speech-start", sample: this.onsetStart });
        this.clearOnset();
      }
    } else if (this.onsetStart >= 0) {
      this.onsetGap += end - start;
      if (this.onsetGap > roundToFrames(this.o.onsetGapMs, end - start)) this.clearOnset();
    }
  }

  private clearOnset(): void {
    this.onsetStart = -1;
    this.onsetVoiced = 0;
    this.onsetGap = 0;
  }
}
