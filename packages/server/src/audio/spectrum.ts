/**
 * Short-time spectra of speech: FFT, the long-term average spectrum (LTAS) of the speech frames, and
 * MFCCs. Used to match the embedded voice's timbre to the visitor and to score how close they are.
 */

export const SPECTRUM_RATE = 16_000;
export const FFT_SIZE = 512;
const FRAME = 400; // 25 ms at 16 kHz
const HOP = 160; // 10 ms
/** frames this far below the loudest frame are not speech */
const SPEECH_RANGE_DB = 35;

/** In-place radix-2 FFT of (re, im); length a power of two. */
export function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      const tr = re[i] as number;
      re[i] = re[j] as number;
      re[j] = tr;
      const ti = im[i] as number;
      im[i] = im[j] as number;
      im[j] = ti;
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (-2 * Math.PI) / len;
    const wr = Math.cos(ang);
    const wi = Math.sin(ang);
    for (let i = 0; i < n; i += len) {
      let cr = 1;
      let ci = 0;
      for (let k = 0; k < len / 2; k++) {
        const a = i + k;
        const b = a + len / 2;
        const xr = (re[b] as number) * cr - (im[b] as number) * ci;
        const xi = (re[b] as number) * ci + (im[b] as number) * cr;
        re[b] = (re[a] as number) - xr;
        im[b] = (im[a] as number) - xi;
        re[a] = (re[a] as number) + xr;
        im[a] = (im[a] as number) + xi;
        const nr = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = nr;
      }
    }
  }
}

/** Power spectra (FFT_SIZE/2+1 bins) of the speech frames of 16 kHz audio. */
export function speechPowerSpectra(pcm: Float32Array): Float64Array[] {
  const window = new Float64Array(FRAME).map((_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (FRAME - 1)));
  const frames: Float64Array[] = [];
  const energies: number[] = [];
  const re = new Float64Array(FFT_SIZE);
  const im = new Float64Array(FFT_SIZE);
  for (let start = 0; start + FRAME <= pcm.length; start += HOP) {
    re.fill(0);
    im.fill(0);
    let e = 0;
    for (let i = 0; i < FRAME; i++) {
      // pre-emphasis-free: the envelope tilt is part of the voice
      const v = (pcm[start + i] ?? 0) * (window[i] as number);
      re[i] = v;
      e += v * v;
    }
    fft(re, im);
    const p = new Float64Array(FFT_SIZE / 2 + 1);
    for (let k = 0; k < p.length; k++) p[k] = (re[k] as number) ** 2 + (im[k] as number) ** 2;
    frames.push(p);
    energies.push(10 * Math.log10(e + 1e-12));
  }
  const max = Math.max(-Infinity, ...energies);
  return frames.filter((_, i) => (energies[i] as number) > max - SPEECH_RANGE_DB && (energies[i] as number) > -70);
}

/**
 * The LTAS in dB per FFT bin, smoothed by keeping the first `lifter` cepstral coefficients (removes the
 * harmonic ripple, so voices at different pitch compare by envelope), and shifted to mean 0 dB between
 * 100 Hz and 7 kHz. Null when there is no speech.
 */
export function smoothedLtasDb(pcm: Float32Array, lifter = 24): Float64Array | null {
  const frames = speechPowerSpectra(pcm);
  if (frames.length === 0) return null;
  const bins = FFT_SIZE / 2 + 1;
  const avg = new Float64Array(bins);
  for (const f of frames) for (let k = 0; k < bins; k++) avg[k] = (avg[k] as number) + (f[k] as number) / frames.length;
  const db = avg.map((v) => 10 * Math.log10(v + 1e-12));
  return normalizeBand(cepstralSmooth(db, lifter));
}

/** Keeps the first `lifter` coefficients of the real cepstrum of a dB spectrum (bins 0..N/2). */
export function cepstralSmooth(db: Float64Array, lifter: number): Float64Array {
  const n = (db.length - 1) * 2;
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let k = 0; k < db.length; k++) re[k] = db[k] as number;
  for (let k = db.length; k < n; k++) re[k] = db[n - k] as number;
  fft(re, im);
  for (let q = lifter; q <= n - lifter; q++) {
    re[q] = 0;
    im[q] = 0;
  }
  // inverse by conjugation; the spectrum is real and even, so is its cepstrum
  for (let q = 0; q < n; q++) im[q] = -(im[q] as number);
  fft(re, im);
  const out = new Float64Array(db.length);
  for (let k = 0; k < db.length; k++) out[k] = (re[k] as number) / n;
  return out;
}

export function binHz(k: number): number {
  return (k * SPECTRUM_RATE) / FFT_SIZE;
}

/** Subtracts the mean over 100 Hz–7 kHz. */
export function normalizeBand(db: Float64Array): Float64Array {
  let sum = 0;
  let n = 0;
  for (let k = 0; k < db.length; k++) {
    const f = binHz(k);
    if (f < 100 || f > 7000) continue;
    sum += db[k] as number;
    n++;
  }
  const mean = n ? sum / n : 0;
  return db.map((v) => v - mean);
}

/** RMS dB difference of two normalized LTAS curves over 100 Hz–7 kHz. */
export function ltasDistanceDb(a: Float64Array, b: Float64Array): number {
  let s = 0;
  let n = 0;
  for (let k = 0; k < a.length && k < b.length; k++) {
    const f = binHz(k);
    if (f < 100 || f > 7000) continue;
    s += ((a[k] as number) - (b[k] as number)) ** 2;
    n++;
  }
  return n ? Math.sqrt(s / n) : Infinity;
}

const MEL_BANDS = 26;
export const MFCC_COUNT = 13;

function mel(f: number): number {
  return 2595 * Math.log10(1 + f / 700);
}

let melBank: Float64Array[] | null = null;
function melFilterbank(): Float64Array[] {
  if (melBank) return melBank;
  const lo = mel(100);
  const hi = mel(7600);
  const edges = Array.from({ length: MEL_BANDS + 2 }, (_, i) => 700 * (10 ** ((lo + ((hi - lo) * i) / (MEL_BANDS + 1)) / 2595) - 1));
  melBank = Array.from({ length: MEL_BANDS }, (_, b) => {
    const [l, c, r] = [edges[b] as number, edges[b + 1] as number, edges[b + 2] as number];
    const w = new Float64Array(FFT_SIZE / 2 + 1);
    for (let k = 0; k < w.length; k++) {
      const f = binHz(k);
      w[k] = f <= l || f >= r ? 0 : f <= c ? (f - l) / (c - l) : (r - f) / (r - c);
    }
    return w;
  });
  return melBank;
}

/** MFCC c0..c12 (DCT-II of log mel energies) of each speech frame. */
export function mfccFrames(pcm: Float32Array): Float64Array[] {
  const bank = melFilterbank();
  return speechPowerSpectra(pcm).map((p) => {
    const logMel = bank.map((w) => {
      let e = 0;
      for (let k = 0; k < p.length; k++) e += (w[k] as number) * (p[k] as number);
      return Math.log(e + 1e-10);
    });
    const c = new Float64Array(MFCC_COUNT);
    for (let q = 0; q < MFCC_COUNT; q++) {
      let s = 0;
      for (let b = 0; b < MEL_BANDS; b++) s += (logMel[b] as number) * Math.cos((Math.PI * q * (b + 0.5)) / MEL_BANDS);
      c[q] = s;
    }
    return c;
  });
}
