import { BinaryKind, bytesToInt16, decodeBinary, encodeBinary, int16ToBytes, MIC_FRAME_SAMPLES, type DeletionRecord, type ServerMessage, type TurnTimings } from "@mirror/protocol";
import type { Clock, Random } from "../core/clock.js";
import type { BackchannelOptions, DialoguePlan } from "../core/conversation.js";
import type { CloneSimilarityScore } from "../core/contracts/tts.js";
import type { Turn } from "../core/turn.js";
import type { VisitObserver } from "../observers/observer.js";
import { wordErrorRate } from "../observers/wer.js";
import { VisitSession, type Providers } from "../session/visit-session.js";
import { SimulatedPlayer, type PlayedTurn } from "./simulated-player.js";
import type { RecordedVisitor } from "./visitor.js";

export interface ReplayOptions {
  providers: Providers;
  plan: DialoguePlan & { sampleSentence(language: "en" | "nl"): string };
  clock: Clock;
  random: Random;
  /** 1 = real time; >1 feeds the microphone and plays replies faster */
  speed: number;
  observers?: readonly VisitObserver[];
  /** the visitor's thinking pause after the double finished, ms (real time) */
  gapMs?: number;
  onProgress?: (line: string) => void;
  /** barge-in pauses, then decides (config stages.bargeIn); default: the visit session's (on) */
  backchannels?: BackchannelOptions | false;
}

export interface ReplayTurn {
  index: number;
  file: string | null;
  turnId: number;
  userText: string;
  expectedText: string | null;
  replyText: string;
  interrupted: boolean;
  /** ms from the visitor's speech onset to the double being silent, for interrupted turns */
  bargeInMs: number | null;
  /** when the reply's turn began, ms after the greeting's (the visit's conversation clock) */
  atMs: number | null;
  /** the script phase at that moment */
  phase: string | null;
  timings: TurnTimings;
  played: PlayedTurn | null;
}

export interface ReplayResult {
  greeting: ReplayTurn | null;
  turns: ReplayTurn[];
  cloneMs: number | null;
  /** base voice and clone similarity to the sample, when the voice provider measured it */
  similarity: CloneSimilarityScore | null;
  sampleOk: boolean;
  wer: number | null;
  deletion: DeletionRecord | null;
  errors: string[];
}

const SILENCE = new Int16Array(MIC_FRAME_SAMPLES);

/** Runs a recorded visitor through a real VisitSession, exactly as a kiosk would: same messages, same pipeline. */
export async function replayVisit(visitor: RecordedVisitor, o: ReplayOptions): Promise<ReplayResult> {
  const { clock, speed } = o;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms / speed));
  const messages: ServerMessage[] = [];
  const errors: string[] = [];
  const turnsById = new Map<number, { turn: Turn; userText: string; replyText: string }>();
  const player = new SimulatedPlayer(clock, speed, (turnId, event, agoMs, sample) =>
    session.handleMessage({ type: "playback", turnId, event, agoMs, sample }),
  );
  let similarity: CloneSimilarityScore | null = null;
  const recorder: VisitObserver = {
    onCloned: (_v, _ms, sim) => {
      similarity = sim ?? null;
    },
    onTurnDone: (_v, turn) => {
      turnsById.set(turn.id, { turn, userText: turn.userText, replyText: turn.replyText });
      player.notify();
    },
  };
  const session = new VisitSession({
    providers: o.providers,
    plan: o.plan,
    clock,
    random: o.random,
    language: visitor.language,
    observers: [...(o.observers ?? []), recorder],
    ...(o.backchannels !== undefined ? { backchannels: o.backchannels } : {}),
    channel: {
      send: (msg) => {
        messages.push(msg);
        if (msg.type === "frames") player.frames(msg.turnId, msg.frames);
        else if (msg.type === "turn-end") player.end(msg.turnId, msg.totalSamples);
        else if (msg.type === "interrupt") player.interrupt(msg.turnId);
        else if (msg.type === "playback-pause") player.pause(msg.turnId);
        else if (msg.type === "playback-resume") player.resume(msg.turnId);
        else if (msg.type === "error") errors.push(`${msg.code}: ${msg.message}`);
        player.notify();
      },
      sendBinary: (bytes) => {
        const f = decodeBinary(bytes);
        if (f?.kind === BinaryKind.replyAudio) player.audio(f.turnId, f.sample, bytesToInt16(f.payload).slice());
      },
    },
  });
  const waitFor = <T extends ServerMessage["type"]>(type: T, timeoutMs: number) =>
    player.until(() => messages.some((m) => m.type === type), timeoutMs);

  session.handleMessage({ type: "consent", accepted: true, language: visitor.language });
  session.handleMessage({ type: "photo-meta", mime: visitor.photoMime, face: { mouth: { x: 0.5, y: 0.73 }, mouthWidth: 0.28, eyes: { y: 0.45, left: 0.36, right: 0.64 } } });
  session.handleBinary(encodeBinary(BinaryKind.photo, visitor.photo));
  session.handleBinary(encodeBinary(BinaryKind.voiceSample, int16ToBytes(visitor.sample)));
  const sampleResult = messages.find((m) => m.type === "sample-result");
  const sampleOk = sampleResult?.type === "sample-result" && sampleResult.ok;
  if (!sampleOk) errors.push(`voice sample rejected: ${sampleResult?.type === "sample-result" ? sampleResult.message : "no answer"}`);
  const cloned = sampleOk && (await waitFor("clone-ready", 60_000));
  const cloneMsg = messages.find((m) => m.type === "clone-ready");
  const result: ReplayResult = { greeting: null, turns: [], cloneMs: cloneMsg?.type === "clone-ready" ? cloneMsg.cloneMs : null, similarity, sampleOk, wer: null, deletion: null, errors };
  if (!cloned) {
    await session.close();
    result.deletion = lastDeletion(messages);
    return result;
  }
  o.onProgress?.(`cloned in ${result.cloneMs} ms`);

  // The microphone never stops: visitor turns when queued, room silence otherwise.
  const micQueue: Int16Array[] = [];
  let micRunning = true;
  const mic = (async () => {
    // paced against the clock, not by summing timer delays (timers run late; a mic does not)
    const t0 = clock.now();
    for (let n = 0; micRunning; n++) {
      session.handleBinary(encodeBinary(BinaryKind.mic, int16ToBytes(micQueue.shift() ?? SILENCE)));
      const due = t0 + ((n + 1) * 20) / speed;
      await new Promise((r) => setTimeout(r, Math.max(0, due - clock.now())));
    }
  })();

  session.handleMessage({ type: "start-conversation" });
  const replyTimeout = 60_000;
  await player.until(() => turnsById.has(0) && isDone(player.turns.get(0)), replyTimeout);
  let lastReplyId = 0;
  // the visit may end before the recording does (the farewell at the hard cap): later turns are not fed
  const visitEnded = () => messages.some((m) => m.type === "purged");
  for (const [i, rec] of visitor.turns.entries()) {
    if (visitEnded()) break;
    const prev = player.turns.get(lastReplyId);
    if (rec.bargeInAfterMs !== undefined) {
      await player.until(() => prev?.startedAt !== null && prev?.startedAt !== undefined, replyTimeout);
      await sleep(rec.bargeInAfterMs);
    } else {
      await player.until(() => isDone(player.turns.get(lastReplyId)) && turnsById.has(lastReplyId), replyTimeout);
      await sleep(o.gapMs ?? 600);
    }
    if (visitEnded()) break;
    for (let s = 0; s < rec.pcm.length; s += MIC_FRAME_SAMPLES) {
      const frame = new Int16Array(MIC_FRAME_SAMPLES);
      frame.set(rec.pcm.subarray(s, s + MIC_FRAME_SAMPLES));
      micQueue.push(frame);
    }
    o.onProgress?.(`visitor turn ${i + 1}/${visitor.turns.length}${rec.bargeInAfterMs !== undefined ? " (barge-in)" : ""}`);
    const before = lastReplyId;
    await player.until(() => [...player.turns.keys()].some((id) => id > before), replyTimeout);
    lastReplyId = Math.max(...player.turns.keys());
  }
  await player.until(() => isDone(player.turns.get(lastReplyId)) && turnsById.has(lastReplyId), replyTimeout);
  micRunning = false;
  await mic;
  player.stop();

  const all = [...turnsById.values()].sort((a, b) => a.turn.id - b.turn.id);
  const visitorTurns = all.filter((t) => t.userText);
  const toReplay = (t: (typeof all)[number], index: number): ReplayTurn => {
    const rec = visitor.turns[index - 1];
    const start = t.turn.marks.get("endOfTurn");
    const greetStart = all.find((g) => g.turn.id === 0)?.turn.marks.get("endOfTurn");
    const atMs = start !== undefined && greetStart !== undefined ? Math.round(start - greetStart) : null;
    const b0 = t.turn.marks.get("bargeInStart");
    const b1 = t.turn.marks.get("bargeInStop");
    return {
      index,
      file: rec?.file ?? null,
      turnId: t.turn.id,
      userText: t.userText,
      expectedText: rec?.text ?? null,
      replyText: t.replyText,
      interrupted: t.turn.interrupted,
      bargeInMs: b0 !== undefined && b1 !== undefined ? Math.round((b1 - b0) * 10) / 10 : null,
      atMs,
      phase: atMs !== null ? o.plan.phaseFor(atMs, t.turn.id).id : null,
      timings: t.turn.timings(),
      played: player.turns.get(t.turn.id) ?? null,
    };
  };
  const greet = all.find((t) => t.turn.id === 0);
  result.greeting = greet ? toReplay(greet, 0) : null;
  result.turns = visitorTurns.map((t, i) => toReplay(t, i + 1));
  const pairs = result.turns.filter((t) => t.expectedText !== null);
  if (pairs.length) {
    result.wer = wordErrorRate(pairs.map((t) => t.expectedText ?? "").join(" "), pairs.map((t) => t.userText).join(" "));
  }
  if (!visitEnded()) session.handleMessage({ type: "end-visit", reason: "visitor" });
  await player.until(visitEnded, 10_000);
  result.deletion = lastDeletion(messages);
  await session.close();
  return result;
}

function isDone(t: PlayedTurn | undefined): boolean {
  return !!t && (t.endedAt !== null || t.interrupted);
}

function lastDeletion(messages: ServerMessage[]): DeletionRecord | null {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m?.type === "purged") return m.record;
  }
  return null;
}
