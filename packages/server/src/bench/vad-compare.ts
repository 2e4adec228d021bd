/**
 * Silero v5 vs the energy VAD on held-out voices (made now, never stored): onset/offset lag against the speech's
 * own level, false starts in non-speech noise, and cost per analysed frame. Two backgrounds: a quiet room (white
 * noise, -55 dBFS) and music-like noise (changing chords with note attacks, 10 dB under the voice) where a level
 * detector cannot tell voice from noise.
 *   npx tsx packages/server/src/bench/vad-compare.ts
 */
import { MIC_FRAME_SAMPLES, MIC_SAMPLE_RATE } from "@mirror/protocol";
import { float32ToInt16, rms, toDbfs } from "../audio/pcm.js";
import { resampleSinc } from "../audio/resample.js";
import type { Vad } from "../core/contracts/vad.js";
import { percentiles } from "../observers/metrics.js";
import { createEnergyVad } from "../stages/vad/energy/index.js";
import { createSileroVad } from "../stages/vad/silero/index.js";
import { HELD_OUT_VOICES, heldOutVoice } from "../testing/held-out-voices.js";
import { mixAt, noise, scaleTo } from "../testing/contracts/vad.contract.js";

const SR = MIC_SAMPLE_RATE;
const ms = (n: number) => Math.round((n * SR) / 1000);
const HANGOVER_MS = 160; // the segment hangover the conversation uses

/** Chords of three harmonic notes that change every 200–450 ms, each note with a plucked attack and decay. */
function musicLike(samples: number, dbfs: number, seed = 11): Float32Array {
  const out = new Float32Array(samples);
  let s = seed;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  for (let at = 0; at < samples; ) {
    const len = ms(200 + rand() * 250);
    for (let n = 0; n < 3; n++) {
      const f0 = 110 * 2 ** (Math.floor(rand() * 24) / 12);
      for (let i = 0; i < len && at + i < samples; i++) {
        const env = Math.exp(-i / ms(180));
        let v = 0;
        for (let k = 1; k <= 6; k++) v += Math.sin((2 * Math.PI * f0 * k * i) / SR) / (k * k);
        out[at + i] = (out[at + i] ?? 0) + v * env;
      }
    }
    at += len;
  }
  return scaleTo(out, dbfs);
}

/** Where the clean speech is loud (20 ms frames above -45 dBFS), joined across pauses shorter than 300 ms. */
function truthSegments(speech: Float32Array, offset: number): [number, number][] {
  const segs: [number, number][] = [];
  for (let f = 0; (f + 1) * MIC_FRAME_SAMPLES <= speech.length; f++) {
    if (toDbfs(rms(speech, f * MIC_FRAME_SAMPLES, (f + 1) * MIC_FRAME_SAMPLES)) <= -45) continue;
    const a = offset + f * MIC_FRAME_SAMPLES;
    const last = segs[segs.length - 1];
    if (last && a - last[1] < ms(300)) last[1] = a + MIC_FRAME_SAMPLES;
    else segs.push([a, a + MIC_FRAME_SAMPLES]);
  }
  return segs;
}

interface Row {
  onsetMs: number[];
  offsetMs: number[];
  endErrMs: number[];
  missed: number;
  falseStarts: number;
  frameCostMs: number[];
}

function evaluate(vad: Vad, pcm: Int16Array, truth: [number, number][], row: Row): void {
  const session = vad.open({ hangoverMs: HANGOVER_MS });
  const starts: { sample: number; at: number }[] = [];
  const ends: { sample: number; at: number }[] = [];
  const t0 = performance.now();
  for (let i = 0; i < pcm.length; i += MIC_FRAME_SAMPLES) {
    for (const ev of session.push(pcm.subarray(i, i + MIC_FRAME_SAMPLES))) (ev.type === "speech-start" ? starts : ends).push({ sample: ev.sample, at: session.position });
  }
  row.frameCostMs.push(((performance.now() - t0) / pcm.length) * MIC_FRAME_SAMPLES);
  const inside = (x: number) => truth.some(([a, b]) => x >= a - ms(100) && x <= b);
  row.falseStarts += starts.filter((s) => !inside(s.sample)).length;
  for (const [a, b] of truth) {
    const s = starts.find((x) => x.sample >= a - ms(200) && x.sample <= b);
    if (!s) {
      row.missed++;
      continue;
    }
    row.onsetMs.push((s.at - a) / 16);
    const e = ends.find((x) => x.sample >= b - ms(300));
    if (e) {
      row.offsetMs.push((e.at - b) / 16);
      row.endErrMs.push((e.sample - b) / 16);
    }
  }
}

const vads: Record<string, Vad> = { energy: createEnergyVad(), silero: createSileroVad() };
await vads.silero!.warmup?.();
const backgrounds = {
  "room (-55 dBFS)": (n: number) => noise(n, -55, 3),
  "music-like (-30 dBFS, voice -20)": (n: number) => mixAt(noise(n, -60, 3), musicLike(n, -30), 0),
};
const lines: string[] = [];
for (const [bgName, bg] of Object.entries(backgrounds)) {
  const rows: Record<string, Row> = {};
  for (const k of Object.keys(vads)) rows[k] = { onsetMs: [], offsetMs: [], endErrMs: [], missed: 0, falseStarts: 0, frameCostMs: [] };
  for (let v = 0; v < HELD_OUT_VOICES.length; v++) {
    const { sample } = heldOutVoice(v);
    const speech = scaleTo(resampleSinc(sample.pcm, sample.sampleRate, SR), -20);
    const lead = ms(3000);
    const mixed = mixAt(bg(lead + speech.length + ms(2000)), speech, lead);
    const truth = truthSegments(speech, lead);
    for (const [k, vad] of Object.entries(vads)) evaluate(vad, float32ToInt16(mixed), truth, rows[k]!);
  }
  lines.push(`\n${bgName}: ${HELD_OUT_VOICES.length} voices, segment hangover ${HANGOVER_MS} ms`);
  lines.push("| VAD | onset → speech-start decided, p50/p95 ms | end of speech → speech-end decided, p50/p95 ms | speech-end sample error p50 ms | missed / false starts | cost per 20 ms of audio, ms |");
  lines.push("|---|---|---|---|---|---|");
  for (const [k, r] of Object.entries(rows)) {
    const f = (v: number[], d = 0) => {
      const p = percentiles(v);
      return p ? [p.p50.toFixed(d), p.p95.toFixed(d)] : ["–", "–"];
    };
    const [on50, on95] = f(r.onsetMs);
    const [off50, off95] = f(r.offsetMs);
    const [err50] = f(r.endErrMs);
    const [cost50] = f(r.frameCostMs, 3);
    lines.push(`| ${k} | ${on50} / ${on95} | ${off50} / ${off95} | ${err50} | ${r.missed} / ${r.falseStarts} | ${cost50} |`);
  }
}
console.log(lines.join("\n"));
