import { describe, expect, it } from "vitest";
import { BLENDSHAPE_INDEX as I, LIP_FPS, OUTPUT_SAMPLE_RATE as SR } from "@mirror/protocol";
import { StreamResampler } from "../../../audio/pcm.js";
import { seededRandom } from "../../../core/clock.js";
import type { LipFrame } from "../../../core/contracts/lipsync.js";
import { createEspeakTts } from "../../tts/espeak/index.js";
import { createBuiltinLipsync } from "./index.js";

const REPLIES = [
  { language: "en" as const, voice: "en-us+f3", text: "That sounds lovely. Tell me more about your dog and the forest." },
  { language: "en" as const, voice: "en-us+f3", text: "You work as a designer. What do you make?" },
  { language: "nl" as const, voice: "nl+f3", text: "Wat mooi. Vertel me meer over je familie en je werk." },
];
const FRAME = SR / LIP_FPS;

/** One reply as the pipeline runs it: TTS events in order, audio resampled to the output rate, frames timed. */
async function run(reply: (typeof REPLIES)[number]) {
  const tts = createEspeakTts();
  const voice = { id: "t", provider: "tts/espeak", language: reply.language, medianF0Hz: null, syllablesPerSecond: null, state: { voice: reply.voice } };
  const lips = createBuiltinLipsync({ random: seededRandom(3) }).open({ turnId: 1, sampleRate: SR, fps: LIP_FPS, language: reply.language, signal: new AbortController().signal });
  const frames: Array<LipFrame & { at: number }> = [];
  const done = (async () => {
    for await (const f of lips.frames) frames.push({ ...f, at: performance.now() });
  })();
  let rs: StreamResampler | null = null;
  let pos = 0;
  let firstAudioAt: number | null = null;
  const audio: Float32Array[] = [];
  for await (const ev of tts.synthesize({ text: reply.text, voice, signal: new AbortController().signal })) {
    if (ev.type === "audio") {
      rs ??= new StreamResampler(ev.sampleRate, SR);
      const pcm = rs.push(ev.pcm);
      if (!pcm.length) continue;
      firstAudioAt ??= performance.now();
      lips.push({ type: "audio", pcm, sample: pos });
      audio.push(pcm);
      pos += pcm.length;
    } else if (ev.type === "phoneme") {
      lips.push({ type: "phoneme", phoneme: ev.phoneme, alphabet: ev.alphabet, startSample: Math.round(ev.start * SR), endSample: Math.round(ev.end * SR) });
    }
    await new Promise((r) => setImmediate(r));
  }
  lips.push({ type: "end" });
  await done;
  const pcm = new Float32Array(pos);
  let o = 0;
  for (const a of audio) {
    pcm.set(a, o);
    o += a.length;
  }
  return { frames, pcm, firstFrameMs: (frames[0]?.at ?? Infinity) - (firstAudioAt ?? 0) };
}

/** Start/end (in frames) of voiced stretches: 10 ms RMS over −35 dBFS, gaps under 60 ms bridged. */
function voicedRuns(pcm: Float32Array, frames: number): Array<[number, number]> {
  const on = Array.from({ length: frames }, (_, n) => {
    const a = Math.round(n * FRAME);
    let s = 0;
    for (let i = a; i < Math.min(pcm.length, a + 240); i++) s += pcm[i]! ** 2;
    return 20 * Math.log10(Math.sqrt(s / 240) + 1e-9) > -35;
  });
  return runs(on, 4);
}

function runs(on: boolean[], bridge: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let start = -1;
  on.forEach((v, i) => {
    if (v && start < 0) start = i;
    if (!v && start >= 0) {
      out.push([start, i]);
      start = -1;
    }
  });
  if (start >= 0) out.push([start, on.length]);
  return out.reduce<Array<[number, number]>>((acc, r) => {
    const last = acc[acc.length - 1];
    if (last && r[0] - last[1] <= bridge) last[1] = r[1];
    else acc.push([...r]);
    return acc;
  }, []);
}

describe("built-in lip-sync on espeak replies (en, nl)", () => {
  it("has the first frame ready within 10 ms of the first TTS chunk (warm), and mouth-open edges line up with voiced edges (regression guard: median within 3 frames)", async () => {
    const offsets: number[] = [];
    const firsts: number[] = [];
    const cold = (await run(REPLIES[1]!)).firstFrameMs; // the process's first reply pays for JIT warm-up
    for (const reply of REPLIES) {
      const { frames, pcm, firstFrameMs } = await run(reply);
      firsts.push(firstFrameMs);
      const voiced = voicedRuns(pcm, frames.length);
      const open = runs(frames.map((f) => (f.weights[I.jawOpen] ?? 0) > 0.08), 4);
      expect(voiced.length).toBeGreaterThan(0);
      for (const [a, b] of voiced) {
        const nearest = (x: number, pick: 0 | 1) => open.map((r) => r[pick] - x).reduce((m, d) => (Math.abs(d) < Math.abs(m) ? d : m), Infinity);
        offsets.push(nearest(a, 0), nearest(b, 1));
      }
    }
    const sorted = [...offsets].sort((x, y) => x - y);
    const within1 = offsets.filter((d) => Math.abs(d) <= 1).length / offsets.length;
    console.log(`lip-sync first frame after first TTS chunk: cold ${cold.toFixed(2)} ms, then ${firsts.map((x) => x.toFixed(2)).join(", ")} ms`);
    console.log(`mouth-open vs voiced edges (frames, + = mouth later): ${JSON.stringify(sorted)}; within ±1 frame: ${(within1 * 100).toFixed(0)} %`);
    for (const f of firsts) expect(f).toBeLessThanOrEqual(10);
    // Measured: median +2 frames (mouth ~33 ms late), 33 % of edges within ±1 frame — the issue's ±1 frame
    // is NOT met yet; this guards against getting worse while that is worked on.
    expect(Math.abs(sorted[Math.floor(sorted.length / 2)]!)).toBeLessThanOrEqual(3);
  });
});
