/**
 * ITU-T G.722 decoder (64 kbit/s mode: one byte per pair of 16 kHz samples, 6 low-band + 2 high-band bits), for
 * reading wideband recordings stored as raw G.722 (e.g. Asterisk's .g722 prompts). Integer arithmetic as in the
 * Recommendation's block diagram (blocks 2–6 per sub-band, then the receive QMF).
 */

/** Adaptive predictor state of one sub-band (the Recommendation's block 4). */
class Band {
  s = 0;
  sp = 0;
  sz = 0;
  r = [0, 0, 0];
  a = [0, 0, 0];
  ap = [0, 0, 0];
  p = [0, 0, 0];
  d = [0, 0, 0, 0, 0, 0, 0];
  b = [0, 0, 0, 0, 0, 0, 0];
  bp = [0, 0, 0, 0, 0, 0, 0];
  nb = 0;
  constructor(public det: number) {}
}

const sat16 = (v: number): number => (v > 32767 ? 32767 : v < -32768 ? -32768 : v);
const clamp = (v: number, lo: number, hi: number): number => (v < lo ? lo : v > hi ? hi : v);
const sign = (v: number): number => v >> 15; // -1 for negative 16-bit values, 0 otherwise

const WL = [-60, -30, 58, 172, 334, 538, 1198, 3042];
const RL42 = [0, 7, 6, 5, 4, 3, 2, 1, 7, 6, 5, 4, 3, 2, 1, 0];
const ILB = [
  2048, 2093, 2139, 2186, 2233, 2282, 2332, 2383, 2435, 2489, 2543, 2599, 2656, 2714, 2774, 2834, 2896, 2960, 3025, 3091,
  3158, 3228, 3298, 3371, 3444, 3520, 3597, 3676, 3756, 3838, 3922, 4008,
];
const WH = [0, -214, 798];
const RH2 = [2, 1, 2, 1];
const QM2 = [-7408, -1616, 7408, 1616];
const QM4 = [0, -20456, -12896, -8968, -6288, -4240, -2584, -1200, 20456, 12896, 8968, 6288, 4240, 2584, 1200, 0];
const QM6 = [
  -136, -136, -136, -136, -24808, -21904, -19008, -16704, -14984, -13512, -12280, -11192, -10232, -9360, -8576, -7856,
  -7192, -6576, -6000, -5456, -4944, -4464, -4008, -3576, -3168, -2776, -2400, -2032, -1688, -1360, -1040, -728, 24808,
  21904, 19008, 16704, 14984, 13512, 12280, 11192, 10232, 9360, 8576, 7856, 7192, 6576, 6000, 5456, 4944, 4464, 4008,
  3576, 3168, 2776, 2400, 2032, 1688, 1360, 1040, 728, 432, 136, -432, -136,
];
const QMF = [3, -11, 12, 32, -210, 951, 3876, -805, 362, -156, 53, -11];

/** Block 4: reconstructed signal, pole and zero predictor adaptation, next prediction. */
function adapt(band: Band, d: number): void {
  band.d[0] = d;
  band.r[0] = sat16(band.s + d);
  band.p[0] = sat16(band.sz + d);

  // UPPOL2
  const sg0 = sign(band.p[0]);
  const sg1 = sign(band.p[1]!);
  const sg2 = sign(band.p[2]!);
  const wa1 = sat16(band.a[1]! << 2);
  let wa2 = sg0 === sg1 ? -wa1 : wa1;
  if (wa2 > 32767) wa2 = 32767;
  let a2 = (sg0 === sg2 ? 128 : -128) + (wa2 >> 7) + ((band.a[2]! * 32512) >> 15);
  a2 = clamp(a2, -12288, 12288);
  band.ap[2] = a2;

  // UPPOL1
  const limit = sat16(15360 - a2);
  band.ap[1] = clamp(sat16((sg0 === sg1 ? 192 : -192) + ((band.a[1]! * 32640) >> 15)), -limit, limit);

  // UPZERO
  const step = d === 0 ? 0 : 128;
  const sgd = sign(d);
  for (let i = 1; i < 7; i++) {
    const same = sign(band.d[i]!) === sgd;
    band.bp[i] = sat16((same ? step : -step) + ((band.b[i]! * 32640) >> 15));
  }

  // DELAYA
  for (let i = 6; i > 0; i--) {
    band.d[i] = band.d[i - 1]!;
    band.b[i] = band.bp[i]!;
  }
  for (let i = 2; i > 0; i--) {
    band.r[i] = band.r[i - 1]!;
    band.p[i] = band.p[i - 1]!;
    band.a[i] = band.ap[i]!;
  }

  // FILTEP, FILTEZ, PREDIC
  const sp1 = (band.a[1]! * sat16(band.r[1]! * 2)) >> 15;
  const sp2 = (band.a[2]! * sat16(band.r[2]! * 2)) >> 15;
  band.sp = sat16(sp1 + sp2);
  let sz = 0;
  for (let i = 6; i > 0; i--) sz += (band.b[i]! * sat16(band.d[i]! * 2)) >> 15;
  band.sz = sat16(sz);
  band.s = sat16(band.sp + band.sz);
}

/** Decodes 64 kbit/s G.722 bytes to 16 kHz 16-bit PCM (two samples per byte). */
export function decodeG722(bytes: Uint8Array): Int16Array {
  const low = new Band(32);
  const high = new Band(8);
  const x = new Array<number>(24).fill(0);
  const out = new Int16Array(bytes.length * 2);
  for (let j = 0; j < bytes.length; j++) {
    const code = bytes[j]!;
    const ilow = code & 0x3f;
    const ihigh = (code >> 6) & 0x03;

    // low band: INVQBL, RECONS, LIMIT; INVQAL on the 4-bit code for the adaptation; LOGSCL, SCALEL
    const rlow = clamp(low.s + ((low.det * QM6[ilow]!) >> 15), -16384, 16383);
    const ilow4 = ilow >> 2;
    const dlow = (low.det * QM4[ilow4]!) >> 15;
    low.nb = clamp(((low.nb * 127) >> 7) + WL[RL42[ilow4]!]!, 0, 18432);
    low.det = scale(low.nb, 8);
    adapt(low, dlow);

    // high band: INVQAH, RECONS, LIMIT, LOGSCH, SCALEH
    const dhigh = (high.det * QM2[ihigh]!) >> 15;
    const rhigh = clamp(dhigh + high.s, -16384, 16383);
    high.nb = clamp(((high.nb * 127) >> 7) + WH[RH2[ihigh]!]!, 0, 22528);
    high.det = scale(high.nb, 10);
    adapt(high, dhigh);

    // receive QMF: two output samples from the sum and difference of the sub-bands
    for (let i = 0; i < 22; i++) x[i] = x[i + 2]!;
    x[22] = rlow + rhigh;
    x[23] = rlow - rhigh;
    let xout1 = 0;
    let xout2 = 0;
    for (let i = 0; i < 12; i++) {
      xout2 += x[2 * i]! * QMF[i]!;
      xout1 += x[2 * i + 1]! * QMF[11 - i]!;
    }
    out[2 * j] = sat16(xout1 >> 11);
    out[2 * j + 1] = sat16(xout2 >> 11);
  }
  return out;
}

/** SCALEL / SCALEH: the quantizer scale factor from the log scale factor. */
function scale(nb: number, shift: number): number {
  const w1 = (nb >> 6) & 31;
  const w2 = shift - (nb >> 11);
  const w3 = w2 < 0 ? ILB[w1]! << -w2 : ILB[w1]! >> w2;
  return w3 << 2;
}
