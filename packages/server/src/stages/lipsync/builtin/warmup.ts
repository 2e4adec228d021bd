/**
 * A short synthetic reply through a throw-away session, so the first real reply does not pay for compiling
 * the animator (the cold first frame took 25–30 ms): a 150 Hz voice with syllable-rate loudness, once with
 * phoneme timings and once from audio alone, pushed in 20 ms chunks like a TTS stream.
 */
import { LIP_FPS, OUTPUT_SAMPLE_RATE as SR } from "@mirror/protocol";
import type { Lipsync } from "../../../core/contracts/lipsync.js";

const SECONDS = 0.6;
const PHONEMES = ["h", "@", "l", "oU", "m", "aI", "s", "i:"];

export async function warmUpLipsync(lipsync: Lipsync): Promise<void> {
  const n = Math.round(SECONDS * SR);
  const pcm = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const t = i / SR;
    pcm[i] = 0.3 * Math.sin(2 * Math.PI * 4 * t) ** 2 * (Math.sin(2 * Math.PI * 150 * t) + 0.3 * Math.sin(2 * Math.PI * 2400 * t));
  }
  for (const withPhonemes of [true, false]) {
    const s = lipsync.open({ turnId: 0, sampleRate: SR, fps: LIP_FPS, language: "en", signal: new AbortController().signal });
    const drained = (async () => {
      for await (const f of s.frames) void f;
    })();
    const step = n / PHONEMES.length;
    if (withPhonemes) PHONEMES.forEach((p, k) => s.push({ type: "phoneme", phoneme: p, alphabet: "espeak", startSample: Math.round(k * step), endSample: Math.round((k + 1) * step) }));
    for (let at = 0; at < n; at += SR / 50) s.push({ type: "audio", pcm: pcm.subarray(at, Math.min(n, at + SR / 50)), sample: at });
    s.push({ type: "end" });
    await drained;
  }
}
