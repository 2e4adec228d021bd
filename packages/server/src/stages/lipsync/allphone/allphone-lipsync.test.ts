import { describe, expect, it } from "vitest";
import { LIP_FPS, OUTPUT_SAMPLE_RATE as SR } from "@mirror/protocol";
import { shapeAgreement } from "../../../bench/lip-shapes.js";
import { FIXTURE_REPLIES, speakWithLips, type SpokenReply } from "../../../bench/lipsync-run.js";
import { seededRandom } from "../../../core/clock.js";
import type { Lipsync } from "../../../core/contracts/lipsync.js";
import { createBuiltinLipsync } from "../builtin/index.js";
import { createAllphoneLipsync } from "./index.js";

// two English fixture replies: espeak's own phoneme timings animate the reference
const REPLIES = FIXTURE_REPLIES.filter((r) => r.language === "en").slice(0, 2);
const builtin = () => createBuiltinLipsync({ random: seededRandom(3), blinks: false });

async function speakAll(lipsync: Lipsync, phonemes: boolean): Promise<SpokenReply[]> {
  const out: SpokenReply[] = [];
  for (const r of REPLIES) out.push(await speakWithLips(r, { lipsync, phonemes }));
  return out;
}

function agreement(reference: SpokenReply[], candidate: SpokenReply[]): { agreement: number; curveR: number } {
  const all = reference.map((r, k) => shapeAgreement(r.frames, candidate[k]!.frames));
  const frames = all.reduce((s, a) => s + a.frames, 0);
  return { agreement: all.reduce((s, a) => s + a.agreement * a.frames, 0) / frames, curveR: all.reduce((s, a) => s + a.curveR, 0) / all.length };
}

describe("audio-only lip-sync: allphone (PocketSphinx phones → built-in) against band energies alone", () => {
  it("puts frames on the audio clock and agrees with the phoneme-timed shapes where band energies do not", async () => {
    const reference = await speakAll(builtin(), true);
    const energy = agreement(reference, await speakAll(builtin(), false));
    const allphone = createAllphoneLipsync({ inner: builtin(), maxWaitMs: 20_000 });
    const recognized = await speakAll(allphone, false);
    const phones = agreement(reference, recognized);
    await allphone.close?.();
    console.log(`shape class agreement / curve r: energy ${energy.agreement.toFixed(3)} / ${energy.curveR.toFixed(2)}, allphone ${phones.agreement.toFixed(3)} / ${phones.curveR.toFixed(2)}`);

    for (const { frames, pcm } of recognized) {
      // frame n at sample round(n · rate / fps), from the first sample to the end of the audio, none skipped
      frames.forEach((f, n) => expect(f.sample).toBe(Math.round((n * SR) / LIP_FPS)));
      expect(frames[frames.length - 1]!.sample).toBeGreaterThanOrEqual(pcm.length - SR / LIP_FPS);
    }
    // Measured: energy 0.41 / 0.41, allphone 0.62 / 0.69 (loaded 2-core box); a class is one of four
    expect(energy.agreement).toBeLessThan(0.5);
    expect(phones.agreement).toBeGreaterThanOrEqual(0.5);
    expect(phones.curveR).toBeGreaterThan(energy.curveR + 0.1);
  }, 15_000);

  it("passes a TTS's own phoneme timings through, and goes on from audio alone when recognition fails or is late", async () => {
    const reference = await speakWithLips(REPLIES[1]!, { lipsync: builtin(), phonemes: true });
    const plain = await speakWithLips(REPLIES[1]!, { lipsync: builtin(), phonemes: false });
    const timed = await speakWithLips(REPLIES[1]!, { lipsync: createAllphoneLipsync({ inner: builtin() }), phonemes: true });
    const broken = await speakWithLips(REPLIES[1]!, { lipsync: createAllphoneLipsync({ inner: builtin(), recognizer: { libPocketsphinx: "libmissing-pocketsphinx.so" } }), phonemes: false });
    const late = createAllphoneLipsync({ inner: builtin(), maxWaitMs: 0 });
    const tooLate = await speakWithLips(REPLIES[1]!, { lipsync: late, phonemes: false });
    await late.close?.();
    // the same phonemes drive the face (audio held until the first phoneme, so the first frames may differ a little)
    const same = shapeAgreement(reference.frames, timed.frames);
    expect(same.agreement).toBeGreaterThanOrEqual(0.95);
    expect(same.curveR).toBeGreaterThanOrEqual(0.95);
    // from audio alone, as the energy path does (it sees a whole utterance at once, so the pause filling may differ)
    for (const degraded of [broken, tooLate]) {
      expect(degraded.frames.length).toBeGreaterThanOrEqual(Math.floor((degraded.pcm.length * LIP_FPS) / SR));
      const a = shapeAgreement(plain.frames, degraded.frames);
      console.log(`degraded vs energy path: agreement ${a.agreement.toFixed(3)}`);
      expect(a.agreement).toBeGreaterThanOrEqual(0.9);
    }
  }, 15_000);
});
