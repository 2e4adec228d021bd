/**
 * Does the embedded STT (PocketSphinx, the real one) hear a lone backchannel spoken over the double, and does the
 * barge-in hold resume for it? Held-out voices (made now, never stored) say "yes", "okay", "mm", … over the double's
 * reply (flite slt through a room model, the echo guard on), in real time, through `Conversation` with the energy
 * VAD; short interruptions and a sentence must commit instead. Prints per word and voice: the STT's final, resume or
 * interrupt, onset → silent and pause → decision.
 *   npx tsx packages/server/src/bench/backchannel-bench.ts [--repeat N] [--no-hold] [--only yes,sentence,…]
 *   (--no-hold: every barge-in interrupts, as with stages.bargeIn.backchannels false)
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { MIC_SAMPLE_RATE } from "@mirror/protocol";
import { int16ToFloat32 } from "../audio/pcm.js";
import { resampleSinc } from "../audio/resample.js";
import { decodeWav } from "../audio/wav.js";
import { DEFAULT_BACKCHANNEL_WORDS } from "../core/barge-in-hold.js";
import type { Stt, SttEvent } from "../core/contracts/stt.js";
import { systemClock } from "../core/clock.js";
import { percentiles } from "../observers/metrics.js";
import { createPocketSphinxStt } from "../stages/stt/pocketsphinx/index.js";
import { synthesizeSpeech } from "../testing/contracts/stt.contract.js";
import { scaleTo } from "../testing/contracts/vad.contract.js";
import { overTheDouble } from "../testing/double-in-room.js";
import { HELD_OUT_VOICES } from "../testing/held-out-voices.js";

interface Utterance {
  /** what the visitor means */
  word: string;
  /** a backchannel should resume; anything else commit */
  backchannel: boolean;
  voice: string;
  pcm: Float32Array;
}

const to16k = (a: { pcm: Float32Array; sampleRate: number }) => (a.sampleRate === MIC_SAMPLE_RATE ? a.pcm : resampleSinc(a.pcm, a.sampleRate, MIC_SAMPLE_RATE));

/** espeak-ng speaks phonemes given as [[…]]: a hum the way a person says it, which no TTS reads from "mm" (flite spells it "m m") */
function espeakPhonemes(voice: string, phonemes: string): Float32Array {
  const dir = mkdtempSync(join(tmpdir(), "mirror-hum-"));
  try {
    const out = join(dir, "h.wav");
    execFileSync("espeak-ng", ["-v", voice, "-w", out, `[[${phonemes}]]`], { stdio: "ignore" });
    return to16k(decodeWav(readFileSync(out)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const SPOKEN: Array<{ word: string; text: string; backchannel: boolean }> = [
  { word: "yes", text: "Yes.", backchannel: true },
  { word: "yeah", text: "Yeah.", backchannel: true },
  { word: "okay", text: "Okay.", backchannel: true },
  { word: "right", text: "Right.", backchannel: true },
  { word: "mm (spelled)", text: "Mm.", backchannel: true },
  { word: "uh-huh (spelled)", text: "Uh-huh.", backchannel: true },
  { word: "no", text: "No.", backchannel: false },
  { word: "wait", text: "Wait.", backchannel: false },
  { word: "sentence", text: "No wait, that is not what I meant.", backchannel: false },
];
const HUMS: Array<{ word: string; phonemes: string }> = [
  { word: "mm (hummed)", phonemes: "m::" },
  { word: "mhm (hummed)", phonemes: "m'hm" },
  { word: "uh-huh (hummed)", phonemes: "@'h@" },
];
const HUM_VOICES = ["en-us+f4", "en-us+m7", "en-gb+f2"];

function utterances(): Utterance[] {
  const out: Utterance[] = [];
  for (const v of HELD_OUT_VOICES.filter((x) => x.language === "en")) {
    for (const s of SPOKEN) out.push({ word: s.word, backchannel: s.backchannel, voice: v.label, pcm: to16k(v.make(s.text)) });
  }
  for (const voice of HUM_VOICES) for (const h of HUMS) out.push({ word: h.word, backchannel: true, voice: `espeak-ng ${voice}`, pcm: espeakPhonemes(voice, h.phonemes) });
  return out;
}

/** The STT as it is, with the text and wall time of every final it gives kept for the report. */
function recording(stt: Stt, finals: string[], finalAt: number[]): Stt {
  return {
    info: stt.info,
    capabilities: stt.capabilities,
    open(opts) {
      const s = stt.open(opts);
      return {
        push: (pcm) => s.push(pcm),
        end: () => s.end(),
        events: (async function* (): AsyncGenerator<SttEvent> {
          for await (const ev of s.events) {
            if (ev.type === "final") {
              finals.push(ev.text);
              finalAt.push(systemClock.now());
            }
            yield ev;
          }
        })(),
      };
    },
  };
}

const { values } = parseArgs({ options: { repeat: { type: "string", default: "1" }, "no-hold": { type: "boolean", default: false }, only: { type: "string" } } });
const only = values.only?.split(",");
const stt = createPocketSphinxStt();
await stt.warmup?.();
const dir = mkdtempSync(join(tmpdir(), "mirror-bc-bench-"));
const double = scaleTo(int16ToFloat32(await synthesizeSpeech("I am so glad you came. Tell me, what do you love most about the forest?", dir, "slt")), -30);
rmSync(dir, { recursive: true, force: true });
const msOf = (samples: number) => Math.round((samples * 1000) / MIC_SAMPLE_RATE);
type Outcome = "resumed" | "interrupted" | "not heard";
const rows: Array<{ u: Utterance; finals: string[]; outcome: Outcome; silentMs: number | null; decideMs: number | null }> = [];
console.log(`load average at start: ${loadavg().map((x) => x.toFixed(1)).join(" ")}`);
for (let rep = 0; rep < Number(values.repeat); rep++) {
  for (const u of utterances().filter((x) => !only || only.some((w) => x.word.startsWith(w)))) {
    const finals: string[] = [];
    const finalAt: number[] = [];
    let pausedAt: number | null = null;
    const r = await overTheDouble({
      onMark: (mark) => {
        if (mark === "bargeInStop") pausedAt = systemClock.now();
      },
      voice: double, visitor: scaleTo(u.pcm, -20), stt: recording(stt, finals, finalAt), backchannels: values["no-hold"] ? false : { words: DEFAULT_BACKCHANNEL_WORDS }, visitorAtMs: 1000 });
    const controls = r.player.controls.map((c) => c.type);
    const outcome: Outcome = r.turn.interrupted ? "interrupted" : controls.length ? "resumed" : "not heard";
    const [pause, decision] = r.player.controls;
    const firstFinal = finalAt[0] !== undefined && pausedAt !== null ? Math.round(finalAt[0] - pausedAt) : null;
    const row = { u, finals, outcome, silentMs: r.silencedAt === null ? null : msOf(r.silencedAt - r.onset), decideMs: pause && decision && pause.type === "pause" ? (decision.frame - pause.frame) * 20 : null };
    rows.push(row);
    const ok = (outcome === "interrupted") !== u.backchannel ? "ok " : "BAD";
    console.log(`${ok} ${u.voice.padEnd(38)} ${u.word.padEnd(17)} → ${JSON.stringify(finals.join(" | ")).padEnd(40)} ${outcome.padEnd(11)} silent ${row.silentMs ?? "-"} ms, decided ${row.decideMs ?? "-"} ms after the pause (first final ${firstFinal ?? "-"} ms after it)`);
  }
}
await stt.close?.();

console.log("\nper word: resumed / interrupted / not heard (no pause at all) of runs");
for (const word of [...new Set(rows.map((r) => r.u.word))]) {
  const of = rows.filter((r) => r.u.word === word);
  const n = (o: Outcome) => of.filter((r) => r.outcome === o).length;
  console.log(`  ${word.padEnd(17)} ${n("resumed")} / ${n("interrupted")} / ${n("not heard")} of ${of.length}`);
}
for (const group of [true, false]) {
  const silent = rows.filter((r) => r.u.backchannel === group).map((r) => r.silentMs).filter((x): x is number => x !== null);
  if (silent.length) console.log(`${group ? "backchannels" : "interruptions"}: onset → silent (pause or interrupt sent) over ${silent.length} runs: p50 ${percentiles(silent)?.p50} ms, max ${Math.max(...silent)} ms`);
}
console.log(`load average at end: ${loadavg().map((x) => x.toFixed(1)).join(" ")}`);
const wrong = rows.filter((r) => (r.outcome === "interrupted") === r.u.backchannel);
console.log(`decided as intended (backchannel: not interrupted; other: interrupted): ${rows.length - wrong.length}/${rows.length}`);
