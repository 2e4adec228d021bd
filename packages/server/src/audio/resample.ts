/**
 * Band-limited resampling (windowed sinc, Kaiser-like Blackman window) for voice references:
 * F5-TTS wants 24 kHz, the microphone gives 16 kHz. Better than linear interpolation, which
 * leaves aliasing and dulls the top octave the model listens to.
 */
export function resampleSinc(pcm: Float32Array, from: number, to: number, halfTaps = 16): Float32Array {
  if (from === to) return pcm.slice();
  const ratio = to / from;
  const n = Math.floor(pcm.length * ratio);
  const out = new Float32Array(n);
  const k = new SincKernel(ratio, halfTaps);
  const phases = Number.isInteger(from) && Number.isInteger(to) ? to / gcd(from, to) : Infinity;
  if (phases > MAX_PHASES) {
    for (let i = 0; i < n; i++) out[i] = k.apply(pcm, i / ratio);
    return out;
  }
  // rational ratio: output i sits at input i·from/to, whose fraction repeats every `phases` outputs, so each
  // phase's normalized taps are computed once (the same numbers as the direct form, ~100× less work)
  const table = Array.from({ length: phases }, (_, r) => k.taps((r * from) / to - Math.floor((r * from) / to)));
  for (let i = 0; i < n; i++) {
    const num = i * from;
    const base = Math.floor(num / to);
    const phase = table[i % phases] as PhaseTaps;
    const h = phase.h;
    const start = base + phase.first;
    let acc = 0;
    if (start >= 0 && start + h.length <= pcm.length) {
      for (let j = 0; j < h.length; j++) acc += (pcm[start + j] as number) * (h[j] as number);
    } else {
      for (let j = 0; j < h.length; j++) {
        const x = start + j;
        if (x >= 0 && x < pcm.length) acc += (pcm[x] as number) * (h[j] as number);
      }
    }
    out[i] = acc;
  }
  return out;
}

const MAX_PHASES = 4096;

interface PhaseTaps {
  /** offset of the first tap from the integer part of the position */
  first: number;
  /** normalized to unit sum */
  h: Float64Array;
}

class SincKernel {
  private readonly cutoff: number;
  private readonly width: number;
  constructor(ratio: number, halfTaps: number) {
    this.cutoff = Math.min(1, ratio) * 0.95; // of the input Nyquist
    this.width = halfTaps / Math.min(1, ratio);
  }

  private h(t: number): number {
    const x = t * this.cutoff;
    const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
    const w = 0.42 + 0.5 * Math.cos((Math.PI * t) / this.width) + 0.08 * Math.cos((2 * Math.PI * t) / this.width);
    return sinc * w;
  }

  /** Taps for a position with fractional part `frac`. */
  taps(frac: number): PhaseTaps {
    const first = Math.ceil(frac - this.width);
    const last = Math.floor(frac + this.width);
    const h = new Float64Array(last - first + 1);
    let norm = 0;
    for (let j = 0; j < h.length; j++) {
      h[j] = this.h(first + j - frac);
      norm += h[j] as number;
    }
    if (norm !== 0) for (let j = 0; j < h.length; j++) h[j] = (h[j] as number) / norm;
    return { first, h };
  }

  apply(pcm: Float32Array, center: number): number {
    const base = Math.floor(center);
    const { first, h } = this.taps(center - base);
    let acc = 0;
    for (let j = 0; j < h.length; j++) {
      const x = base + first + j;
      if (x >= 0 && x < pcm.length) acc += (pcm[x] as number) * (h[j] as number);
    }
    return acc;
  }
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}
