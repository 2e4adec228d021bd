import { MIC_FRAME_SAMPLES, MIC_SAMPLE_RATE } from "@mirror/protocol";
import type { TtsEvent, TtsRequest } from "../core/contracts/tts.js";
import type { DialoguePlan } from "../core/conversation.js";
import { FakeTts } from "./fakes/stages.js";

/** mic samples in `n` ms */
export const micMs = (n: number) => Math.round((n * MIC_SAMPLE_RATE) / 1000);

/** A one-phase script for conversation tests. */
export const mirroringPlan: DialoguePlan = {
  maxConversationMs: 300_000,
  phaseFor: () => ({ id: "mirroring", farewell: false }),
  systemPrompt: () => "be a mirror",
  extractFacts: () => [],
};

/** Speaks every sentence with the same recorded voice (e.g. flite slt at 16 kHz), in 20 ms chunks. */
export class RecordedVoiceTts extends FakeTts {
  constructor(private readonly voice: Float32Array) {
    super(0);
  }
  override async *synthesize(req: TtsRequest): AsyncIterable<TtsEvent> {
    for (let i = 0; i < this.voice.length; i += MIC_FRAME_SAMPLES) {
      if (req.signal.aborted) return;
      yield { type: "audio", pcm: this.voice.slice(i, i + MIC_FRAME_SAMPLES), sampleRate: MIC_SAMPLE_RATE };
      if (i % (MIC_FRAME_SAMPLES * 25) === 0) await new Promise((r) => setImmediate(r));
    }
  }
}
