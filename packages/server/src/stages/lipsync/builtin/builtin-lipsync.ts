/**
 * Built-in lip-sync: ARKit-52 frames from phoneme timings when the TTS gives them, from the audio alone
 * otherwise, with blinks and brows so the face never freezes.
 */
import { LIP_FPS } from "@mirror/protocol";
import type { Random } from "../../../core/clock.js";
import type { Lipsync, LipsyncOptions, LipsyncSession } from "../../../core/contracts/lipsync.js";
import { BuiltinLipsyncSession } from "./session.js";
import { warmUpLipsync } from "./warmup.js";

export interface BuiltinLipsyncOptions {
  /** randomness of blinks and brows (inject seededRandom for reproducible frames) */
  random?: Random;
  /** how far past a frame audio and phonemes must be known before it goes out (ms, default 40: less than one 49 ms espeak chunk, so the first frame needs only the first chunk) */
  lookaheadMs?: number;
  /** default true */
  blinks?: boolean;
}

export function createBuiltinLipsync(opts: BuiltinLipsyncOptions = {}): Lipsync {
  const random = opts.random ?? Math.random;
  const lookahead = (opts.lookaheadMs ?? 40) / 1000;
  const blinks = opts.blinks ?? true;
  return {
    info: { id: "lipsync/builtin", stage: "lipsync", languages: "any", local: true },
    capabilities: { usesTimings: true, fps: LIP_FPS },
    open(o: LipsyncOptions): LipsyncSession {
      return new BuiltinLipsyncSession(o, { lookahead, random, blinks });
    },
    // a twin with its own randomness, so warming up leaves the seeded sequence of this one untouched
    warmup: () => warmUpLipsync(createBuiltinLipsync({ ...opts, random: () => 0.5 })),
  };
}
