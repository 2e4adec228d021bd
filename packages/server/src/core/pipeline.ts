import { LIP_FPS, OUTPUT_SAMPLE_RATE } from "@mirror/protocol";
import { StreamResampler } from "../audio/pcm.js";
import { AsyncQueue } from "./async-queue.js";
import type { Lipsync, LipFrame, LipsyncSession } from "./contracts/lipsync.js";
import type { Llm, LlmRequest } from "./contracts/llm.js";
import type { OutputEvent, Sink } from "./contracts/sink.js";
import type { Tts, VoiceProfile } from "./contracts/tts.js";
import { isAbort } from "./errors.js";
import { chunkSentences } from "./sentence-chunker.js";
import type { Turn } from "./turn.js";

export interface ReplyStages {
  llm: Llm;
  tts: Tts;
  lipsync: Lipsync;
  sinks: readonly Sink[];
}

export interface ReplyResult {
  /** false when the turn was aborted before the end */
  completed: boolean;
  /** what the double actually said (sentences sent to TTS) */
  spokenText: string;
  totalSamples: number;
  error?: unknown;
  /** lip-sync failed: the voice still played, the face rested */
  lipsyncError?: unknown;
}

/** Frames are sent in small batches so a sink gets them ahead of the audio they belong to. */
const FRAME_BATCH = 6;

/**
 * One reply: LLM tokens → sentences → TTS audio (+ phoneme timings) → lip-sync frames → every sink.
 * Everything runs under the turn's AbortSignal; the audio position (samples at OUTPUT_SAMPLE_RATE) is the
 * only clock the frames know.
 */
export async function runReply(turn: Turn, request: Omit<LlmRequest, "signal">, voice: VoiceProfile, stages: ReplyStages): Promise<ReplyResult> {
  const { signal } = turn;
  const emit = (ev: OutputEvent) => {
    if (signal.aborted && ev.type !== "interrupt") return;
    for (const s of stages.sinks) s.write(ev);
  };
  emit({ type: "turn-start", turnId: turn.id, sampleRate: OUTPUT_SAMPLE_RATE, fps: LIP_FPS });

  const lips = stages.lipsync.open({ turnId: turn.id, sampleRate: OUTPUT_SAMPLE_RATE, fps: LIP_FPS, language: request.context.language, signal });
  const framesDone = pumpFrames(turn, lips, emit);
  const sentences = prefetchSentences(turn, stages.llm, { ...request, signal });

  let position = 0;
  let spoken = "";
  let error: unknown;
  try {
    for await (const sentence of sentences) {
      if (signal.aborted) break;
      turn.mark("firstSentence");
      spoken += (spoken ? " " : "") + sentence;
      emit({ type: "text", turnId: turn.id, text: sentence });
      position = await speakSentence(turn, sentence, position, voice, stages.tts, lips, emit);
    }
  } catch (err) {
    if (!isAbort(err, signal)) error = err;
  }
  lips.push({ type: "end" });
  const lipsyncError = await framesDone;
  const completed = !signal.aborted && error === undefined;
  if (completed) emit({ type: "turn-end", turnId: turn.id, totalSamples: position });
  return {
    completed,
    spokenText: spoken,
    totalSamples: position,
    ...(error !== undefined ? { error } : {}),
    ...(lipsyncError !== undefined ? { lipsyncError } : {}),
  };
}

/** Keeps the LLM streaming while TTS works on the previous sentence. */
function prefetchSentences(turn: Turn, llm: Llm, req: LlmRequest): AsyncQueue<string> {
  const out = new AsyncQueue<string>();
  async function* deltas(): AsyncIterable<string> {
    for await (const ev of llm.stream(req)) {
      if (ev.type === "text-delta" && ev.text) {
        turn.mark("llmFirstToken");
        yield ev.text;
      }
    }
  }
  void (async () => {
    try {
      for await (const s of chunkSentences(deltas())) {
        if (req.signal.aborted) break;
        out.push(s);
      }
      out.close();
    } catch (err) {
      if (isAbort(err, req.signal)) out.close();
      else out.fail(err);
    }
  })();
  return out;
}

async function speakSentence(
  turn: Turn,
  text: string,
  start: number,
  voice: VoiceProfile,
  tts: Tts,
  lips: LipsyncSession,
  emit: (ev: OutputEvent) => void,
): Promise<number> {
  let resampler: StreamResampler | null = null;
  let position = start;
  const send = (pcm: Float32Array) => {
    if (pcm.length === 0) return;
    turn.mark("ttsFirstAudio");
    lips.push({ type: "audio", pcm, sample: position });
    emit({ type: "audio", turnId: turn.id, pcm, sample: position });
    position += pcm.length;
  };
  const toOut = (sec: number) => start + Math.round(sec * OUTPUT_SAMPLE_RATE);
  for await (const ev of tts.synthesize({ text, voice, signal: turn.signal })) {
    if (turn.signal.aborted) break;
    switch (ev.type) {
      case "audio":
        resampler ??= new StreamResampler(ev.sampleRate, OUTPUT_SAMPLE_RATE);
        send(resampler.push(ev.pcm));
        break;
      case "phoneme":
        lips.push({ type: "phoneme", phoneme: ev.phoneme, alphabet: ev.alphabet, startSample: toOut(ev.start), endSample: toOut(ev.end) });
        break;
      case "word":
        lips.push({ type: "word", text: ev.text, startSample: toOut(ev.start), endSample: toOut(ev.end) });
        break;
    }
  }
  if (resampler) send(resampler.flush());
  return position;
}

/** Streams frames out in small batches; a lip-sync failure leaves the voice playing with a resting face. */
async function pumpFrames(turn: Turn, lips: LipsyncSession, emit: (ev: OutputEvent) => void): Promise<unknown> {
  let batch: LipFrame[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (batch.length) emit({ type: "frames", turnId: turn.id, frames: batch });
    batch = [];
  };
  try {
    for await (const frame of lips.frames) {
      turn.mark("firstLipFrame");
      batch.push(frame);
      if (batch.length >= FRAME_BATCH) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    }
    return undefined;
  } catch (err) {
    return isAbort(err, turn.signal) ? undefined : err;
  } finally {
    flush();
  }
}
