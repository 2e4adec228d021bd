/**
 * Voice measurements used to match a synthetic voice to a visitor: pitch (YIN) and speaking rate
 * (syllable nuclei = peaks of the smoothed energy envelope, after de Jong & Wempe 2009).
 */

export interface VoiceAnalysis {
  /** median fundamental frequency over voiced frames, null when too little voicing */
  medianF0Hz: number | null;
  /** interquartile range of F0 over voiced frames (p75 - p25) */
  f0IqrHz: number | null;
  /** syllable nuclei per second of speech (pauses of 250 ms or more excluded) */
  syllablesPerSecond: number | null;
  /** fraction of speech frames that are voiced */
  voicedRatio: number;
  syllableCount: number;
  speechSeconds: number;
}

export interface AnalysisOptions {
  minF0Hz?: number;
  maxF0Hz?: number;
}

/** pitch and envelope need nothing above 4 kHz; YIN's cost grows with the square of the rate */
const ANALYSIS_RATE = 8000;
const HOP_S = 0.01;
const YIN_THRESHOLD = 0.15;
/** frames whose YIN aperiodicity is below this give F0 statistics */
const F0_MAX_APERIODICITY = 0.2;
/** looser: buzzy or creaky synthetic voices still count as voiced for syllable nuclei */
const VOICED_MAX_APERIODICITY = 0.35;
/** frames this far below the loudest frame are not speech */
const SPEECH_RANGE_DB = 30;
const SILENCE_FLOOR_DB = -60;
/** pauses shorter than this belong to the speech around them (stop closures, word gaps) */
const MAX_INNER_PAUSE_S = 0.25;
const PEAK_MIN_DIP_DB = 2;
const PEAK_MIN_DISTANCE_S = 0.08;
const PEAK_RANGE_DB = 25;

export function analyzeVoice(pcm: Float32Array, sampleRate: number, opts: AnalysisOptions = {}): VoiceAnalysis {
  const minF0 = opts.minF0Hz ?? 60;
  const maxF0 = opts.maxF0Hz ?? 400;
  const sr = Math.min(sampleRate, ANALYSIS_RATE);
  const x = sr < sampleRate ? downsample(pcm, sampleRate, sr) : pcm;

  const hop = Math.round(HOP_S * sr);
  const maxLag = Math.ceil(sr / minF0);
  const minLag = Math.max(2, Math.floor(sr / maxF0));
  const frames = Math.max(0, Math.floor((x.length - 2 * maxLag) / hop) + 1);

  const db = new Float64Array(frames);
  const f0 = new Float64Array(frames);
  const aperiodicity = new Float64Array(frames);
  const diff = new Float64Array(maxLag + 1);
  for (let i = 0; i < frames; i++) {
    const start = i * hop;
    db[i] = frameDb(x, start, 2 * maxLag);
    const est = yinFrame(x, start, maxLag, minLag, sr, diff);
    f0[i] = est.f0;
    aperiodicity[i] = est.aperiodicity;
  }

  let maxDb = SILENCE_FLOOR_DB;
  for (const v of db) maxDb = Math.max(maxDb, v);
  const floorDb = Math.max(SILENCE_FLOOR_DB, maxDb - SPEECH_RANGE_DB);
  const loud = Array.from(db, (v) => v > floorDb);
  const speech = closeGaps(loud, Math.round(MAX_INNER_PAUSE_S / HOP_S));

  const voicedF0: number[] = [];
  let speechFrames = 0;
  let voicedSpeech = 0;
  for (let i = 0; i < frames; i++) {
    if (!speech[i]) continue;
    speechFrames++;
    if (!loud[i]) continue;
    const ap = aperiodicity[i] ?? 1;
    if (ap < VOICED_MAX_APERIODICITY) voicedSpeech++;
    if (ap < F0_MAX_APERIODICITY) voicedF0.push(f0[i] ?? 0);
  }
  const voiced = majority3(Array.from(aperiodicity, (ap, i) => ap < VOICED_MAX_APERIODICITY && loud[i] === true));
  const voicedRatio = speechFrames > 0 ? voicedSpeech / speechFrames : 0;

  const sorted = voicedF0.sort((a, b) => a - b);
  const enoughVoicing = sorted.length >= 10;
  const medianF0Hz = enoughVoicing ? quantile(sorted, 0.5) : null;
  const f0IqrHz = enoughVoicing ? quantile(sorted, 0.75) - quantile(sorted, 0.25) : null;

  const smooth = movingAverage(db, 5);
  // Fricative and burst peaks are not syllables; only when the signal has voicing at all can we ask for it.
  const needVoicing = voicedRatio > 0.2;
  const syllableCount = countPeaks(smooth, maxDb - PEAK_RANGE_DB, Math.round(PEAK_MIN_DISTANCE_S / HOP_S), (i) => {
    if (!speech[i]) return false;
    if (!needVoicing) return true;
    for (let k = i - 3; k <= i + 3; k++) if (voiced[k]) return true;
    return false;
  });
  const speechSeconds = speechFrames * HOP_S;
  const syllablesPerSecond = speechSeconds >= 0.5 && syllableCount > 0 ? syllableCount / speechSeconds : null;
  return { medianF0Hz, f0IqrHz, syllablesPerSecond, voicedRatio, syllableCount, speechSeconds };
}

/**
 * YIN (de Cheveigné & Kawahara 2002) on one frame: the first dip of the normalised difference below
 * the threshold, else its global minimum; `aperiodicity` is the normalised difference there (0 = periodic).
 */
function yinFrame(x: Float32Array, start: number, maxLag: number, minLag: number, sr: number, d: Float64Array): { f0: number; aperiodicity: number } {
  const w = maxLag;
  d[0] = 0;
  for (let tau = 1; tau <= maxLag; tau++) {
    let sum = 0;
    for (let j = start; j < start + w; j++) {
      const delta = (x[j] ?? 0) - (x[j + tau] ?? 0);
      sum += delta * delta;
    }
    d[tau] = sum;
  }
  // cumulative mean normalised difference, in place
  let running = 0;
  for (let tau = 1; tau <= maxLag; tau++) {
    running += d[tau] ?? 0;
    d[tau] = running > 0 ? ((d[tau] ?? 0) * tau) / running : 1;
  }
  let best = -1;
  for (let tau = minLag; tau < maxLag; tau++) {
    if ((d[tau] ?? 1) < YIN_THRESHOLD) {
      while (tau + 1 < maxLag && (d[tau + 1] ?? 1) < (d[tau] ?? 1)) tau++;
      best = tau;
      break;
    }
  }
  if (best < 0) {
    best = minLag;
    for (let tau = minLag + 1; tau < maxLag; tau++) if ((d[tau] ?? 1) < (d[best] ?? 1)) best = tau;
  }
  const a = d[best - 1] ?? 1;
  const b = d[best] ?? 1;
  const c = d[best + 1] ?? 1;
  const denom = a - 2 * b + c;
  const shift = denom > 0 ? (0.5 * (a - c)) / denom : 0;
  return { f0: sr / (best + Math.max(-1, Math.min(1, shift))), aperiodicity: Math.max(0, b - 0.25 * (a - c) * shift) };
}

function frameDb(x: Float32Array, start: number, len: number): number {
  let mean = 0;
  for (let j = start; j < start + len; j++) mean += x[j] ?? 0;
  mean /= len;
  let sum = 0;
  for (let j = start; j < start + len; j++) {
    const v = (x[j] ?? 0) - mean;
    sum += v * v;
  }
  const r = Math.sqrt(sum / len);
  return r > 1e-6 ? 20 * Math.log10(r) : -120;
}

/** Windowed-sinc low-pass below the new Nyquist, read at the new rate (linear interpolation between taps). */
function downsample(pcm: Float32Array, from: number, to: number): Float32Array {
  const taps = 31;
  const half = (taps - 1) / 2;
  const fc = (0.45 * to) / from;
  const h = new Float64Array(taps);
  let norm = 0;
  for (let k = 0; k < taps; k++) {
    const n = k - half;
    const sinc = n === 0 ? 2 * fc : Math.sin(2 * Math.PI * fc * n) / (Math.PI * n);
    h[k] = sinc * (0.54 - 0.46 * Math.cos((2 * Math.PI * k) / (taps - 1)));
    norm += h[k] ?? 0;
  }
  const filtered = (c: number) => {
    let acc = 0;
    for (let k = 0; k < taps; k++) acc += (h[k] ?? 0) * (pcm[c + k - half] ?? 0);
    return acc / norm;
  };
  const step = from / to;
  const out = new Float32Array(Math.floor(pcm.length / step));
  for (let i = 0; i < out.length; i++) {
    const pos = i * step;
    const i0 = Math.floor(pos);
    const f = pos - i0;
    out[i] = f === 0 ? filtered(i0) : (1 - f) * filtered(i0) + f * filtered(i0 + 1);
  }
  return out;
}

function closeGaps(on: boolean[], maxGap: number): boolean[] {
  const out = on.slice();
  let last = -1;
  for (let i = 0; i < on.length; i++) {
    if (!on[i]) continue;
    if (last >= 0 && i - last - 1 <= maxGap) for (let k = last + 1; k < i; k++) out[k] = true;
    last = i;
  }
  return out;
}

/** Isolated voiced/unvoiced frames removed (3-frame majority). */
function majority3(v: boolean[]): boolean[] {
  return v.map((_, i) => Number(v[i - 1] ?? false) + Number(v[i]) + Number(v[i + 1] ?? false) >= 2);
}

function movingAverage(x: Float64Array, width: number): Float64Array {
  const out = new Float64Array(x.length);
  const half = Math.floor(width / 2);
  for (let i = 0; i < x.length; i++) {
    let sum = 0;
    let n = 0;
    for (let k = Math.max(0, i - half); k <= Math.min(x.length - 1, i + half); k++) {
      sum += x[k] ?? 0;
      n++;
    }
    out[i] = sum / n;
  }
  return out;
}

/**
 * Peaks that rise at least PEAK_MIN_DIP_DB above the dip separating them from the previous kept peak;
 * a peak without such a dip merges with its neighbour (the higher one wins).
 */
function countPeaks(env: Float64Array, minDb: number, minDistance: number, accept: (i: number) => boolean): number {
  const kept: number[] = [];
  for (let i = 1; i < env.length - 1; i++) {
    const v = env[i] ?? 0;
    if (!(v >= (env[i - 1] ?? 0) && v > (env[i + 1] ?? 0)) || v < minDb || !accept(i)) continue;
    const prev = kept[kept.length - 1];
    if (prev === undefined) {
      kept.push(i);
      continue;
    }
    let dip = Infinity;
    for (let k = prev; k <= i; k++) dip = Math.min(dip, env[k] ?? 0);
    const prevV = env[prev] ?? 0;
    const separated = prevV - dip >= PEAK_MIN_DIP_DB && v - dip >= PEAK_MIN_DIP_DB && i - prev >= minDistance;
    if (separated) kept.push(i);
    else if (v > prevV) kept[kept.length - 1] = i;
  }
  return kept.length;
}

function quantile(sorted: number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const a = sorted[lo] ?? 0;
  const b = sorted[Math.min(sorted.length - 1, lo + 1)] ?? a;
  return a + (b - a) * (pos - lo);
}
