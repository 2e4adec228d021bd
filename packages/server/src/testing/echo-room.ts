import { MIC_SAMPLE_RATE } from "@mirror/protocol";

const ms = (n: number) => Math.round((n * MIC_SAMPLE_RATE) / 1000);

/** The double's voice as the kiosk's mic hears it: delayed, attenuated, a few wall reflections, dulled highs. */
export function room(ref: Float32Array, delayMs: number, gain: number): Float32Array {
  const reflections: [number, number][] = [
    [0, 1],
    [7, 0.45],
    [19, 0.3],
    [31, 0.18],
    [47, 0.1],
  ];
  const out = new Float32Array(ref.length + ms(delayMs + 60));
  for (const [d, g] of reflections) {
    const off = ms(delayMs + d);
    for (let i = 0; i < ref.length; i++) out[off + i] = (out[off + i] ?? 0) + gain * g * (ref[i] ?? 0);
  }
  let y = 0;
  for (let i = 0; i < out.length; i++) out[i] = y = y + 0.55 * ((out[i] ?? 0) - y);
  return out;
}

