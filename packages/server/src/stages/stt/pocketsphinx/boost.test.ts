import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { transcribe } from "../../../core/contracts/stt.js";
import { wordErrorRate } from "../../../observers/wer.js";
import { synthesizeSpeech } from "../../../testing/contracts/stt.contract.js";
import { buildArpa } from "./arpa.js";
import { createPocketSphinxStt } from "./index.js";
import type { PocketSphinxStt } from "./index.js";
import { ipaToCmu } from "./pronounce.js";

const run = (stt: PocketSphinxStt, pcm: Int16Array) => transcribe(stt, pcm, { language: "en", signal: new AbortController().signal });

describe("phrase model", () => {
  it("writes a back-off trigram model whose listed continuations outweigh the rest, with floored unigrams", () => {
    const arpa = buildArpa(["My name is Joris.", "I live in Amsterdam", "my name is anna"]);
    expect(arpa).toMatch(/^\\data\\\nngram 1=\d+\nngram 2=\d+\nngram 3=\d+\n/);
    const log10p = (ngram: string) => Number(new RegExp(`^(-?[\\d.]+) ${ngram}(?: |$)`, "m").exec(arpa)?.[1]);
    expect(log10p("my name is")).toBeCloseTo(Math.log10(1.5 / 2), 3); // (2 − 0.5) / 2
    expect(log10p("name is joris")).toBeCloseTo(Math.log10(0.5 / 2), 3);
    expect(arpa).not.toMatch(/\bMy\b|joris\./);
    // out of a listed context the phrase model says next to nothing (its unigrams are floored)
    expect(log10p("joris")).toBeCloseTo(-6, 3);
    expect(Number(/^(-?[\d.]+) joris /m.exec(buildArpa(["my name is joris", "hello"], { unigramProbability: null }))?.[1])).toBeCloseTo(Math.log10(1 / 7), 3);
  });

  it("maps espeak's IPA to the acoustic model's phones", () => {
    expect(ipaToCmu("dʒˈɔɹɪt")).toBe("JH AO R IH T");
    expect(ipaToCmu("sˈæskiə")).toBe("S AE S K IY AH");
    expect(ipaToCmu("mˈɑːɹʔn̩")).toBe("M AA R T AH N");
  });
});

// flite kal says "my name is Joris / Saskia": without the hook the general model hears "george", "not here yet";
// measured over twelve Dutch names × two flite voices: 0/24 before, 18/24 after (docs/ears.md)
describe("visitor's name through the language model hook", () => {
  const base = createPocketSphinxStt();
  const visit = createPocketSphinxStt({ boost: { phrases: ["i live in amsterdam", "i love walking in the forest"] } }).forVisit(["joris", "saskia"]);
  let dir = "";
  const audio = new Map<string, Int16Array>();
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "mirror-boost-"));
    for (const text of ["my name is joris", "my name is saskia", "the quick brown fox jumps over the lazy dog"]) {
      audio.set(text, await synthesizeSpeech(text, dir, "kal"));
    }
    await Promise.all([base.warmup(), visit.warmup()]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([base.close(), visit.close()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("recognizes names the dictionary lacks after the hook and not before; other speech is unchanged", async () => {
    for (const name of ["joris", "saskia"]) {
      const pcm = audio.get(`my name is ${name}`)!;
      const before = await run(base, pcm);
      const after = await run(visit, pcm);
      expect(before.split(" "), `without the hook: "${before}"`).not.toContain(name);
      expect(after.split(" "), `with the hook: "${after}"`).toContain(name);
    }
    const fox = "the quick brown fox jumps over the lazy dog";
    const [b, a] = [await run(base, audio.get(fox)!), await run(visit, audio.get(fox)!)];
    expect(wordErrorRate(fox, a)).toBeLessThanOrEqual(wordErrorRate(fox, b) + 0.12);
  }, 60_000);
});
