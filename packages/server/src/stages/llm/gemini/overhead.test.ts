/**
 * What Mirror adds between the end of the visitor's speech and the first sentence handed to TTS, over the
 * Gemini fake's own delays, with the fake in the reference's shape (first token at ~350 ms, then ~150
 * tokens/s): the official client over 127.0.0.1, the fallback chain (Gemini → scripted) as config builds
 * it, the sentence chunker and the reply pipeline. Overhead = (end of turn → first sentence to TTS) − the
 * fake's own delay (request received → the chunk that completed that sentence written; the chunker needs
 * the space after the period), i.e. the request leg plus the reply leg.
 * More turns: MIRROR_OVERHEAD_TURNS=200 npx vitest run packages/server/src/stages/llm/gemini/overhead.test.ts
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { seededRandom, systemClock } from "../../../core/clock.js";
import type { VoiceProfile } from "../../../core/contracts/tts.js";
import { withFallback } from "../../../core/fallback.js";
import { runReply } from "../../../core/pipeline.js";
import { Turn } from "../../../core/turn.js";
import { percentiles } from "../../../observers/metrics.js";
import { systemPrompt } from "../../../script/prompt.js";
import { FakeLipsync, FakeTts } from "../../../testing/fakes/stages.js";
import { startGeminiFake } from "../../../testing/fakes/gemini-fake.js";
import type { FakeLlmServer } from "../../../testing/fakes/sse-fake.js";
import { createScriptedLlm } from "../scripted/index.js";
import { createGeminiLlm } from "./gemini-llm.js";

const TURNS = Number(process.env.MIRROR_OVERHEAD_TURNS ?? 16);
const REFERENCE = { firstTokenDelayMs: 350, tokensPerSecond: 150 };

let fake: FakeLlmServer;
beforeAll(async () => {
  fake = await startGeminiFake(REFERENCE);
});
afterAll(async () => {
  await fake.close();
});

const voice: VoiceProfile = { id: "v", provider: "tts/fake", language: "en", medianF0Hz: 200, syllablesPerSecond: 4, state: {} };

it(`adds at most 10 ms p50 to the Gemini fake's own delays (end of speech → first sentence to TTS, ${TURNS} turns)`, async () => {
  const llm = withFallback([createGeminiLlm({ apiKey: "k", baseUrl: fake.baseUrl }), createScriptedLlm()], { onAnyError: true, firstTokenTimeoutMs: 1_500 });
  const overhead: number[] = [];
  const total: number[] = [];
  const overSchedule: number[] = [];
  const requestLeg: number[] = [];
  const replyLeg: number[] = [];
  for (let i = 0; i < TURNS + 2; i++) {
    // the turn is cut right after its first sentence: the rest of the reply measures nothing here
    const turn = new Turn(i, systemClock, (t, mark) => {
      if (mark === "firstSentence") setImmediate(() => t.abort("measured"));
    });
    turn.mark("speechEnd");
    turn.mark("endOfTurn");
    const before = fake.requests.length;
    const userText = "I love sailing on the lake with my father.";
    const result = await runReply(
      turn,
      {
        system: systemPrompt("mirroring", "en", ["my name is Anna"]),
        messages: [{ role: "user", content: userText }],
        context: { language: "en", phase: "mirroring", turnIndex: 2, elapsedMs: 100_000, remainingMs: 200_000, facts: [], userText, random: seededRandom(i) },
      },
      voice,
      { llm, tts: new FakeTts(0), lipsync: new FakeLipsync(), sinks: [] },
    );
    const request = fake.requests[before];
    const firstSentence = turn.marks.get("firstSentence");
    const start = turn.marks.get("endOfTurn");
    if (!request || firstSentence === undefined || start === undefined) throw new Error("no first sentence from the fake");
    // the chunk that completed the first sentence: the one carrying the first character after it
    const said = result.spokenText.split(/(?<=[.!?])\s/)[0] ?? "";
    let seen = "";
    let k = 0;
    for (; k < request.sent.length; k++) {
      seen += request.sent[k]?.text ?? "";
      if (seen.trimStart().length > said.length) break;
    }
    const completedAt = request.sent[Math.min(k, request.sent.length - 1)]?.at ?? NaN;
    if (i < 2) continue; // warm-up: first connection, JIT
    // both legs: getting the request out (end of turn → the fake has it) and the reply back (the fake
    // wrote the completing chunk → the sentence is at TTS); the fake's own delay is what lies between
    overhead.push(firstSentence - start - (completedAt - request.receivedAt));
    requestLeg.push(request.receivedAt - start);
    replyLeg.push(firstSentence - completedAt);
    total.push(firstSentence - start);
    overSchedule.push(firstSentence - start - (REFERENCE.firstTokenDelayMs + (k * 1000) / REFERENCE.tokensPerSecond));
  }
  const o = percentiles(overhead);
  const sched = percentiles(overSchedule);
  const t = percentiles(total);
  const req = percentiles(requestLeg);
  const rep = percentiles(replyLeg);
  console.log(
    `[overhead] Mirror over the fake's own delays: p50 ${o?.p50.toFixed(1)} ms, p95 ${o?.p95.toFixed(1)} ms · ` +
      `over the nominal schedule (incl. the fake's timer lateness): p50 ${sched?.p50.toFixed(1)} ms, p95 ${sched?.p95.toFixed(1)} ms · ` +
      `request leg p50 ${req?.p50.toFixed(1)} / p95 ${req?.p95.toFixed(1)} ms, reply leg p50 ${rep?.p50.toFixed(1)} / p95 ${rep?.p95.toFixed(1)} ms · ` +
      `end of speech → first sentence: p50 ${t?.p50.toFixed(0)} ms, p95 ${t?.p95.toFixed(0)} ms (${overhead.length} turns)`,
  );
  expect(o?.p50).toBeLessThanOrEqual(10);
}, 120_000);
