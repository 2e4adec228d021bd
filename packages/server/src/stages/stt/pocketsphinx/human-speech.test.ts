import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { wordErrorRate } from "../../../observers/wer.js";
import { earsPath, percentile } from "../../../testing/ears-path.js";
import { ensureHeldOutSpeech, loadHeldOutSpeech } from "../../../testing/held-out-speech.js";
import type { HumanRecording } from "../../../testing/held-out-speech.js";
import { createPocketSphinxStt } from "./index.js";

// One `apt-get download` and one `npm pack` on the first run (scripts/held-out-speech.sh); skipped, saying so, offline.
const present = ensureHeldOutSpeech();
const stt = createPocketSphinxStt();
let recordings: HumanRecording[] = [];

beforeAll(async () => {
  if (!present) return;
  recordings = loadHeldOutSpeech({ asteriskLimit: 5, minWords: 5 }).filter((r) => r.set === "asterisk");
  await stt.warmup();
}, 60_000);
afterAll(() => stt.close());

// JFK (the other set) is only measured in bench/ears-human.ts: 64–95 % WER depending on what the decoder heard before
// (its live cepstral mean), too unstable to bound.
describe.skipIf(!present)("embedded ears on held-out human speech (Asterisk prompts)", () => {
  it("recognizes a professional speaker's prompts (WER ≤ 50 %)", async () => {
    const latencies: number[] = [];
    const per = new Map<string, { ref: string; hyp: string }>();
    for (const r of recordings) {
      const out = await earsPath(stt, r.pcm);
      latencies.push(...out.latenciesMs);
      const t = per.get(r.set) ?? { ref: "", hyp: "" };
      per.set(r.set, { ref: `${t.ref} ${r.transcript}`, hyp: `${t.hyp} ${out.text}` });
    }
    const wer = (set: string) => wordErrorRate(per.get(set)!.ref, per.get(set)!.hyp);
    console.info(
      `human speech: asterisk WER ${(100 * wer("asterisk")).toFixed(1)} %, ` +
        `end of speech → final p50 ${percentile(latencies, 0.5).toFixed(0)} ms over ${latencies.length} segments`,
    );
    // measured 35 % on these five (40 % on eight; the decoder's state from earlier prompts moves it a few points);
    // the same bytes not decoded (read as PCM) give 100 %
    expect(wer("asterisk")).toBeLessThanOrEqual(0.5);
    expect(latencies.every((l) => l > 0)).toBe(true);
  }, 60_000);
});
