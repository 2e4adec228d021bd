/**
 * Phoneme-driven mouth: every viseme segment pulls the mouth toward its pose with a dominance that is
 * full inside the segment and falls off (Gaussian) before its start and after its end; the pose at a
 * time is the dominance-weighted mean (Cohen & Massaro's coarticulation model).
 */
import { ARKIT_52 } from "@mirror/protocol";
import type { PhonemeAlphabet } from "../../../core/contracts/tts.js";
import { VISEME_POSES } from "./poses.js";
import type { VisemePose } from "./poses.js";
import { visemesFor } from "./visemes.js";

interface Segment {
  start: number;
  end: number;
  pose: VisemePose;
  silent: boolean;
}

/** share of a diphthong given to its first part */
const DIPHTHONG_SPLIT = 0.55;
/** a faint pull toward rest everywhere, so the mouth closes where no phoneme is near */
const REST_WEIGHT = 0.03;
/** segments this many fall-off widths away no longer count */
const REACH = 3;

export class PhonemeTrack {
  private segments: Segment[] = [];
  /** end of the latest phoneme (samples): frames before it know their phonemes */
  coverage = 0;
  firstStart = Infinity;

  constructor(private readonly sampleRate: number) {}

  get empty(): boolean {
    return this.segments.length === 0 && this.coverage === 0;
  }

  add(phoneme: string, alphabet: PhonemeAlphabet, startSample: number, endSample: number): void {
    const start = Math.min(startSample, endSample);
    const end = Math.max(startSample, endSample);
    const visemes = visemesFor(phoneme, alphabet);
    const parts: Array<[number, number, (typeof visemes)[number]]> =
      visemes.length === 2 ? [[start, start + (end - start) * DIPHTHONG_SPLIT, visemes[0]], [start + (end - start) * DIPHTHONG_SPLIT, end, visemes[1]]] : [[start, end, visemes[0]]];
    for (const [a, b, v] of parts) this.insert({ start: a, end: b, pose: VISEME_POSES[v], silent: v === "sil" });
    this.coverage = Math.max(this.coverage, end);
    this.firstStart = Math.min(this.firstStart, start);
  }

  /**
   * Writes the coarticulated pose at `sample` into `out` (52 weights).
   * Returns the share of it that comes from lip closures (p, b, m): 1 = the lips must meet.
   */
  poseAt(sample: number, out: Float32Array): number {
    out.fill(0);
    let total = REST_WEIGHT;
    let closure = 0;
    for (const seg of this.segments) {
      const p = seg.pose;
      let d = 0;
      let width = 1;
      if (sample < seg.start) {
        d = (seg.start - sample) / this.sampleRate;
        width = p.anticipation;
      } else if (sample > seg.end) {
        d = (sample - seg.end) / this.sampleRate;
        width = p.carry;
      }
      if (d > REACH * width) continue;
      const w = p.dominance * Math.exp(-((d / width) ** 2));
      total += w;
      if (p.sealsLips) closure += w;
      for (let k = 0; k < ARKIT_52.length; k++) out[k] = (out[k] ?? 0) + w * (p.weights[k] ?? 0);
    }
    for (let k = 0; k < ARKIT_52.length; k++) out[k] = (out[k] ?? 0) / total;
    return closure / total;
  }

  /** Forgets segments that can no longer reach `sample` or later. */
  prune(sample: number): void {
    const horizon = sample - REACH * 0.1 * this.sampleRate;
    if ((this.segments[0]?.end ?? Infinity) >= horizon) return;
    this.segments = this.segments.filter((s) => s.end >= horizon);
  }

  private insert(seg: Segment): void {
    if (seg.end <= seg.start && !seg.silent) seg.end = seg.start + 1;
    const last = this.segments[this.segments.length - 1];
    if (!last || last.start <= seg.start) this.segments.push(seg);
    else {
      const i = this.segments.findIndex((s) => s.start > seg.start);
      this.segments.splice(i, 0, seg);
    }
  }
}
