/**
 * Speech-like audio for the fakes of remote TTS servers: a voiced buzz (F0 with harmonics) under a
 * syllable envelope, long in proportion to the text, deterministic. Not speech; it only has to look
 * like audio to Mirror (level, length, sample rate).
 */
export function fakeSpeech(text: string, sampleRate: number, opts: { f0Hz?: number; secondsPerChar?: number } = {}): Float32Array {
  const chars = text.trim().length;
  if (chars === 0) return new Float32Array(0);
  const seconds = Math.max(0.3, chars * (opts.secondsPerChar ?? 0.065));
  const n = Math.round(seconds * sampleRate);
  const f0 = opts.f0Hz ?? 140;
  const out = new Float32Array(n);
  let phase = 0;
  for (let i = 0; i < n; i++) {
    const t = i / sampleRate;
    const f = f0 * (1 + 0.08 * Math.sin(2 * Math.PI * 0.7 * t));
    phase += (2 * Math.PI * f) / sampleRate;
    let v = 0;
    for (let h = 1; h <= 8; h++) v += Math.sin(h * phase) / h;
    const syllable = 0.5 - 0.5 * Math.cos(2 * Math.PI * 4 * t);
    out[i] = 0.18 * v * syllable;
  }
  return out;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
