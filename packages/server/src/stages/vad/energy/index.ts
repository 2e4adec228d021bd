import { MIC_FRAME_SAMPLES, MIC_SAMPLE_RATE } from "@mirror/protocol";
import { rms, toDbfs } from "../../../audio/pcm.js";
import type { Health, StageInfo } from "../../../core/contracts/common.js";
import type { Vad, VadEvent, VadOptions, VadPushContext, VadSession } from "../../../core/contracts/vad.js";
import { VoicedSegmenter } from "../voiced-segmenter.js";

export interface EnergyVadOptions extends VadOptions {
  /** silence (ms) after speech before speech-end; default 550 */
  hangoverMs?: number;
  /** voiced audio (ms) needed before speech-start; default 120 */
  minSpeechMs?: number;
  /** a frame is voiced when its level exceeds the noise floor by this much (dB); default 10 */
  marginDb?: number;
  /** extra margin (dB) while the double is speaking (echo guard); default 9 */
  echoExtraMarginDb?: number;
  /** minimum speech (ms) while the double is speaking (echo guard); default 250 */
  echoMinSpeechMs?: number;
  /** how fast the floor may climb toward louder audio (dB per second); default 3 */
  floorRiseDbPerSec?: number;
  /** share of the gap closed per frame when the level falls below the floor; default 0.3 */
  floorFallRate?: number;
  /** the floor never goes below this (dBFS), so digital silence does not turn hiss into speech; default -70 */
  minFloorDb?: number;
  /** unvoiced frames (ms) tolerated inside an onset before it is abandoned; default 40 */
  onsetGapMs?: number;
}

type Resolved = Required<EnergyVadOptions>;

const DEFAULTS: Resolved = {
  hangoverMs: 550,
  minSpeechMs: 120,
  marginDb: 10,
  echoExtraMarginDb: 9,
  echoMinSpeechMs: 250,
  floorRiseDbPerSec: 3,
  floorFallRate: 0.3,
  minFloorDb: -70,
  onsetGapMs: 40,
};

const FRAME = MIC_FRAME_SAMPLES; // 20 ms analysis frames at 16 kHz
const FRAME_MS = (FRAME * 1000) / MIC_SAMPLE_RATE;

class EnergyVadSession implements VadSession {
  private readonly buf = new Int16Array(FRAME);
  private filled = 0;
  private pos = 0;
  /** stream sample where the buffered analysis frame begins */
  private frameStart = 0;
  private floorDb: number | null = null;
  private readonly segmenter: VoicedSegmenter;

  constructor(private readonly o: Resolved) {
    this.segmenter = new VoicedSegmenter(o);
  }

  get speaking(): boolean {
    return this.segmenter.speaking;
  }

  get position(): number {
    return this.pos;
  }

  /** Keeps the learned noise floor: the room has not changed. */
  reset(): void {
    this.filled = 0;
    this.pos = 0;
    this.frameStart = 0;
    this.segmenter.reset();
  }

  push(frame: Int16Array, ctx?: VadPushContext): VadEvent[] {
    const events: VadEvent[] = [];
    const echo = ctx?.doubleSpeaking === true;
    let i = 0;
    while (i < frame.length) {
      const take = Math.min(FRAME - this.filled, frame.length - i);
      this.buf.set(frame.subarray(i, i + take), this.filled);
      this.filled += take;
      this.pos += take;
      i += take;
      if (this.filled === FRAME) {
        const level = toDbfs(rms(this.buf));
        const margin = this.o.marginDb + (echo ? this.o.echoExtraMarginDb : 0);
        this.segmenter.frame(this.frameStart, this.frameStart + FRAME, level > this.trackFloor(level) + margin, echo, events);
        this.filled = 0;
        this.frameStart += FRAME;
      }
    }
    return events;
  }

  /** Follows the quietest frames: falls quickly toward quieter audio, climbs slowly toward louder audio. */
  private trackFloor(level: number): number {
    const clamped = Math.max(level, this.o.minFloorDb);
    if (this.floorDb === null) this.floorDb = clamped;
    else if (clamped < this.floorDb) this.floorDb += (clamped - this.floorDb) * this.o.floorFallRate;
    else this.floorDb = Math.min(clamped, this.floorDb + (this.o.floorRiseDbPerSec * FRAME_MS) / 1000);
    return this.floorDb;
  }
}

export class EnergyVad implements Vad {
  readonly info: StageInfo = { id: "vad/energy", stage: "vad", languages: "any", local: true };
  readonly capabilities = { sampleRate: 16000 } as const;
  private readonly opts: Resolved;

  constructor(opts: EnergyVadOptions = {}) {
    const defined = Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined));
    this.opts = { ...DEFAULTS, ...defined };
  }

  open(opts?: VadOptions): VadSession {
    const o = { ...this.opts };
    if (opts?.hangoverMs !== undefined) o.hangoverMs = opts.hangoverMs;
    if (opts?.minSpeechMs !== undefined) o.minSpeechMs = opts.minSpeechMs;
    return new EnergyVadSession(o);
  }

  health(): Promise<Health> {
    return Promise.resolve({ ok: true, detail: "energy VAD (no model)" });
  }
}

export function createEnergyVad(opts?: EnergyVadOptions): EnergyVad {
  return new EnergyVad(opts);
}
