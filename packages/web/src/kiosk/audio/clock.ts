import type { PlayerReport } from "../../worklets/messages.js";

export type PosReport = Extract<PlayerReport, { type: "pos" }>;

/** A pairing of the audio context's clock with the page's clock, as `AudioContext.getOutputTimestamp()` gives it. */
export interface OutputStamp {
  /** context time of the sample the output device is playing */
  contextTime: number;
  /** performance.now() at which it plays */
  performanceTime: number;
}

/**
 * The context time heard at page time `atMs`. The output timestamp already includes the output latency and does not
 * go stale between audio callbacks (unlike `currentTime`), so it is extrapolated to `atMs`; without one (not yet
 * running) the fallback is `currentTime − output delay`, shifted by how far `atMs` is from now.
 */
export function audibleContextTime(
  stamp: OutputStamp | null,
  fallback: { currentTime: number; outputDelay: number; nowMs: number },
  atMs: number,
): number {
  if (stamp && stamp.performanceTime > 0) return stamp.contextTime + (atMs - stamp.performanceTime) / 1000;
  return fallback.currentTime - fallback.outputDelay + (atMs - fallback.nowMs) / 1000;
}

/**
 * The context time at which the worklet rendered `sample` of `turnId`, from its position reports: samples between two
 * reports are rendered back to back from the earlier one (an underrun only cuts the run short). Null while no later
 * report proves that the sample was rendered.
 */
export function renderTimeOf(reports: readonly PosReport[], turnId: number, sample: number, rate: number): number | null {
  let proven = false;
  for (let i = reports.length - 1; i >= 0; i--) {
    const r = reports[i];
    if (!r || r.turnId !== turnId) continue;
    if (r.sample > sample) {
      proven = true;
      continue;
    }
    return proven ? r.time + (sample - r.sample) / rate : null;
  }
  return null;
}

/**
 * The sample audible at context time `now`: from the latest report rendered at or before it, extrapolated by the
 * elapsed time, but never past the next report (it says where playback really went, e.g. an underrun) nor more
 * than 30 ms beyond the newest one.
 */
export function positionAt(
  reports: readonly PosReport[],
  now: number,
  rate: number,
): { turnId: number; sample: number } | null {
  let i = reports.length - 1;
  while (i >= 0 && (reports[i]?.time ?? 0) > now) i--;
  const r = reports[i];
  if (!r || r.turnId === null) return null;
  let sample = r.sample + Math.max(0, now - r.time) * rate;
  const next = reports[i + 1];
  if (next && next.turnId === r.turnId) sample = Math.min(sample, next.sample);
  else sample = Math.min(sample, r.sample + 0.03 * rate);
  return { turnId: r.turnId, sample: Math.round(sample) };
}
