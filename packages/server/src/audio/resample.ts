/**
 * Band-limited resampling (windowed sinc, Kaiser-like Blackman window) for voice references:
 * F5-TTS wants 24 kHz, the microphone gives 16 kHz. Better than linear interpolation, which
 * leaves aliasing and dulls the top octave the model listens to.
 */
export function resampleSinc(pcm: Float32Array, from: number, to: number, halfTaps = 16): Float32Array {
  if (from === to) return pcm.slice();
  const ratio = to / from;
  const cutoff = Math.min(1, ratio) * 0.95; // of the input Nyquist
  const n = Math.floor(pcm.length * ratio);
  const out = new Float32Array(n);
  const width = halfTaps / Math.min(1, ratio);
  for (let i = 0; i < n; i++) {
    const center = i / ratio;
    const lo = Math.ceil(center - width);
    const hi = Math.floor(center + width);
    let acc = 0;
    let norm = 0;
    for (let k = lo; k <= hi; k++) {
      const t = k - center;
      const x = t * cutoff;
      const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
      const w = 0.42 + 0.5 * Math.cos((Math.PI * t) / width) + 0.08 * Math.cos((2 * Math.PI * t) / width);
      const h = sinc * w;
      norm += h;
      if (k >= 0 && k < pcm.length) acc += (pcm[k] ?? 0) * h;
    }
    out[i] = norm !== 0 ? acc / norm : 0;
  }
  return out;
}
