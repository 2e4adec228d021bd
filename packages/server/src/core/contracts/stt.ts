import type { Language } from "@mirror/protocol";
import type { Lifecycle, StageInfo } from "./common.js";

export type SttEvent =
  | { type: "partial"; text: string }
  | { type: "final"; text: string; confidence?: number };

export interface SttStreamOptions {
  language: Language;
  signal: AbortSignal;
}

/** One utterance: push 16 kHz int16 audio, then end(); events yields partials and exactly one final. */
export interface SttStream {
  push(pcm: Int16Array): void;
  end(): void;
  readonly events: AsyncIterable<SttEvent>;
}

export interface SttCapabilities {
  readonly streaming: boolean;
  readonly partials: boolean;
  readonly sampleRate: 16000;
}

export interface Stt extends Lifecycle {
  readonly info: StageInfo;
  readonly capabilities: SttCapabilities;
  open(opts: SttStreamOptions): SttStream;
}

/** Transcribe a whole buffer through the streaming contract (used for the voice sample's transcript). */
export async function transcribe(stt: Stt, pcm: Int16Array, opts: SttStreamOptions): Promise<string> {
  const stream = stt.open(opts);
  const chunk = 1600;
  for (let i = 0; i < pcm.length; i += chunk) stream.push(pcm.subarray(i, i + chunk));
  stream.end();
  let final = "";
  for await (const ev of stream.events) if (ev.type === "final") final = ev.text;
  return final;
}
