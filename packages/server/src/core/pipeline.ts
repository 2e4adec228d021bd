import { LIP_FPS, OUTPUT_SAMPLE_RATE } from "@mirror/protocol";
import { StreamResampler } from "../audio/pcm.js";
import { AsyncQueue } from "./async-queue.js";
import type { Lipsync, LipFrame, LipsyncSession } from "./contracts/lipsync.js";
import type { Llm, LlmRequest } from "./contracts/llm.js";
import type { OutputEvent, Sink } from "./contracts/sink.js";
import type { Filler, FillerSource, Tts, VoiceProfile } from "./contracts/tts.js";
import { isAbort } from "./errors.js";
import { chunkSentences } from "./sentence-chunker.js";
import type { Turn } from "./turn.js";

export interface ReplyStages {
  llm: Llm;
  tts: Tts;
  lipsync: Lipsync;
  sinks: readonly Sink[];
  /** pre-synthesized backchannels in the visitor's voice, played once when the LLM is slow to start */
  filler?: FillerSource;
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
  const next = sentences[Symbol.asyncIterator]();
  try {
    const first = next.next();
    if (stages.filler) {
      const filler = await fillerIfSlow(turn, first, stages.filler);
      if (filler && !signal.aborted) {
        spoken = filler.text;
        emit({ type: "text", turnId: turn.id, text: filler.text });
        position = speakFiller(turn, filler, lips, emit);
      }
    }
    for (let r = await first; !r.done; r = await next.next()) {
      const sentence = r.value;
      if (signal.aborted) break;
      turn.mark("firstSentence");
      spoken += (spoken ? " " : "") + sentence;
      emit({ type: "text", turnId: turn.id, text: sentence });
      position = await speakSentence(turn, sentence, position, voice, stages.tts, lips, emit);
    }
  } catch (err) {
    if (!isAbort(err, signal)) error = err;
  } finally {
    await next.return?.();
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

/** Waits up to the filler delay for the first sentence; no LLM token by then → the filler to play first. */
async function fillerIfSlow(turn: Turn, first: Promise<IteratorResult<string>>, source: FillerSource): Promise<Filler | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), source.delayMs);
  });
  const aborted = new Promise<boolean>((resolve) => turn.signal.addEventListener("abort", () => resolve(false), { once: true }));
  const slow = await Promise.race([late, first.then(() => false, () => false), aborted]);
  clearTimeout(timer);
  if (!slow || turn.signal.aborted || turn.marks.has("llmFirstToken")) return undefined;
  return source.next();
}

/** The filler goes out whole at the start of the turn; its phonemes drive the lips like any reply's. */
function speakFiller(turn: Turn, filler: Filler, lips: LipsyncSession, emit: (ev: OutputEvent) => void): number {
  const pcm = filler.sampleRate === OUTPUT_SAMPLE_RATE ? filler.pcm.slice() : resampleWhole(filler.pcm, filler.sampleRate);
  for (const p of filler.phonemes) {
    const at = (sec: number) => Math.round(sec * OUTPUT_SAMPLE_RATE);
    lips.push({ type: "phoneme", phoneme: p.phoneme, alphabet: p.alphabet, startSample: at(p.start), endSample: at(p.end) });
  }
  lips.push({ type: "audio", pcm, sample: 0 });
  emit({ type: "audio", turnId: turn.id, pcm, sample: 0 });
  return pcm.length;
}

function resampleWhole(pcm: Float32Array, from: number): Float32Array {
  const r = new StreamResampler(from, OUTPUT_SAMPLE_RATE);
  const head = r.push(pcm);
  const tail = r.flush();
  const out = new Float32Array(head.length + tail.length);
  out.set(head);
  out.set(tail, head.length);
  return out;
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
