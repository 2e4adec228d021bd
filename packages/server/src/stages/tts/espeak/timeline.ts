/**
 * Turns espeak's raw events into phoneme and word timings. espeak only marks where things start,
 * so a phoneme is emitted once the next one starts (that is its end), and a word once a pause or the
 * next word starts.
 */
import type { TtsEvent } from "../../../core/contracts/tts.js";
import { EspeakEventType } from "./ffi.js";
import type { RawEvent } from "./ffi.js";

type PhonemeEvent = Extract<TtsEvent, { type: "phoneme" }>;
type WordEvent = Extract<TtsEvent, { type: "word" }>;

export function isPausePhoneme(name: string): boolean {
  return name.startsWith("_") || name === "";
}

export class EspeakTimeline {
  private readonly chars: string[];
  private pendingPhoneme: { name: string; start: number } | null = null;
  private pendingWord: { text: string; start: number } | null = null;
  private last = 0;

  constructor(
    text: string,
    private readonly sampleRate: number,
  ) {
    this.chars = Array.from(text);
  }

  /** Timings completed by these events (in order: phonemes and words interleaved by start time). */
  push(events: readonly RawEvent[]): Array<PhonemeEvent | WordEvent> {
    const out: Array<PhonemeEvent | WordEvent> = [];
    for (const ev of events) {
      // espeak's positions never go back within one synthesis; guard anyway so timings stay monotonic
      const at = Math.max(this.last, ev.sample);
      this.last = at;
      if (ev.type === EspeakEventType.phoneme) {
        this.closePhoneme(at, out);
        this.pendingPhoneme = { name: ev.phoneme, start: at };
        if (isPausePhoneme(ev.phoneme)) this.closeWord(at, out);
      } else if (ev.type === EspeakEventType.word) {
        this.closeWord(at, out);
        const from = Math.max(0, ev.textPosition - 1);
        const text = this.chars.slice(from, from + Math.max(0, ev.length)).join("");
        if (text.trim() !== "") this.pendingWord = { text, start: at };
      } else if (ev.type === EspeakEventType.end || ev.type === EspeakEventType.msgTerminated) {
        this.closeWord(at, out);
      }
    }
    return out;
  }

  /** Closes whatever is open at the end of the audio (`totalSamples` long). */
  finish(totalSamples: number): Array<PhonemeEvent | WordEvent> {
    const out: Array<PhonemeEvent | WordEvent> = [];
    const end = Math.max(this.last, totalSamples);
    this.closePhoneme(end, out);
    this.closeWord(end, out);
    return out;
  }

  private closePhoneme(at: number, out: Array<PhonemeEvent | WordEvent>): void {
    const p = this.pendingPhoneme;
    if (!p) return;
    this.pendingPhoneme = null;
    out.push({ type: "phoneme", phoneme: p.name, alphabet: "espeak", start: p.start / this.sampleRate, end: at / this.sampleRate });
  }

  private closeWord(at: number, out: Array<PhonemeEvent | WordEvent>): void {
    const w = this.pendingWord;
    if (!w || at <= w.start) return;
    this.pendingWord = null;
    out.push({ type: "word", text: w.text, start: w.start / this.sampleRate, end: at / this.sampleRate });
  }
}
