/**
 * The embedded ears as the conversation runs them, for measurements: room noise, the energy VAD closing a segment
 * after a short hangover, one STT stream per segment (with the VAD's pre-roll), finals joined in order.
 */
import { MIC_FRAME_SAMPLES } from "@mirror/protocol";
import { float32ToInt16 } from "../audio/pcm.js";
import type { Stt } from "../core/contracts/stt.js";
import { createEnergyVad } from "../stages/vad/energy/index.js";
import { mixAt, noise } from "./contracts/vad.contract.js";

/** the conversation's segment hangover (core/endpointing.ts does the rest of the waiting) */
export const SEGMENT_HANGOVER_MS = 160;

export interface EarsResult {
  text: string;
  /** per segment: end of speech → STT final (ms) */
  latenciesMs: number[];
}

/**
 * End of speech → final = audio time from the VAD's speech end to its speech-end event (the mic is real time) + the
 * wall time from end() to the final. Audio is fed as fast as the decoder takes it, so the decoder is never behind.
 */
export async function earsPath(stt: Stt, pcm: Int16Array, opts: { noiseDbfs?: number; seed?: number } = {}): Promise<EarsResult> {
  const lead = 8000;
  const room = noise(lead + pcm.length + 16000, opts.noiseDbfs ?? -55, opts.seed ?? 11);
  const mic = float32ToInt16(mixAt(room, Float32Array.from(pcm, (v) => v / 32768), lead));
  const vad = createEnergyVad().open({ hangoverMs: SEGMENT_HANGOVER_MS });
  const texts: string[] = [];
  const latenciesMs: number[] = [];
  let stream: ReturnType<Stt["open"]> | null = null;
  const preRoll: Int16Array[] = [];
  for (let i = 0; i < mic.length; i += MIC_FRAME_SAMPLES) {
    const frame = mic.subarray(i, i + MIC_FRAME_SAMPLES);
    preRoll.push(frame);
    if (preRoll.length > 20) preRoll.shift();
    stream?.push(frame);
    for (const ev of vad.push(frame)) {
      if (ev.type === "speech-start") {
        stream = stt.open({ language: "en", signal: new AbortController().signal });
        for (const f of preRoll) stream.push(f);
        continue;
      }
      const s = stream!;
      stream = null;
      const hangMs = (vad.position - ev.sample) / 16;
      const t0 = performance.now();
      s.end();
      // a real mic waits for nobody, but the next frames would only queue behind this decoder
      for await (const e of s.events) if (e.type === "final") texts.push(e.text);
      latenciesMs.push(hangMs + performance.now() - t0);
    }
  }
  return { text: texts.filter(Boolean).join(" "), latenciesMs };
}

export const percentile = (xs: readonly number[], p: number): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? Number.NaN;
