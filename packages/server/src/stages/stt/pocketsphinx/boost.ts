/**
 * The language model hook: a small trigram model of the experience's likely phrases (and the visitor's name),
 * linearly interpolated with the general en-us model, so listed phrases win close calls while anything else is still
 * recognized. Words the dictionary lacks get espeak-ng pronunciations (pronounce.ts).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ProviderError } from "../../../core/errors.js";
import { buildArpa, phraseWords } from "./arpa.js";
import type { Pointer, SphinxBinding } from "./binding.js";
import { pronounce } from "./pronounce.js";

const ID = "stt/pocketsphinx";
const SEARCH = "mirror-boost";

export interface LmBoostOptions {
  /** the experience's likely phrases: any case and punctuation */
  phrases: readonly string[];
  /** names to recognize (the visitor's, from the voice sample's transcript); each also as "my name is <name>" etc. */
  names?: readonly string[];
  /** weight of the phrase model in the interpolation (0..1); default 0.3 */
  weight?: number;
  /** espeak-ng voices whose pronunciations of a missing word are added; default ["en-us"] */
  voices?: readonly string[];
  /** the phrase model's unigram probability (arpa.ts); null for maximum likelihood. Default 1e-6 */
  unigramProbability?: number | null;
}

/** How a name is usually given in answer to "what is our name?". */
const namePhrases = (name: string) => [name, `my name is ${name}`, `i am ${name}`, `i'm ${name}`, `call me ${name}`, `it's ${name}`];

export class LmBoost {
  readonly words: ReadonlySet<string>;
  private readonly arpa: string;
  private readonly weight: number;
  private readonly voices: readonly string[];
  private readonly pronunciations = new Map<string, Promise<string[]>>();

  constructor(opts: LmBoostOptions) {
    const weight = opts.weight ?? 0.3;
    if (!(weight > 0 && weight < 1)) throw new ProviderError(ID, `boost weight must be between 0 and 1, not ${weight}`, { retryable: false });
    const phrases = [...opts.phrases, ...(opts.names ?? []).flatMap((n) => namePhrases(n))];
    this.arpa = buildArpa(phrases, opts.unigramProbability === undefined ? {} : { unigramProbability: opts.unigramProbability });
    this.words = new Set(phraseWords(phrases).flat());
    this.weight = weight;
    this.voices = opts.voices ?? ["en-us"];
  }

  /**
   * On a fresh decoder with no search yet: adds the missing words, reads the general model and the phrase model,
   * interpolates them and makes that the decoder's search.
   */
  async apply(sphinx: SphinxBinding, ps: Pointer, generalLm: string): Promise<void> {
    for (const word of this.words) {
      if (sphinx.lookupWord(ps, word) !== null) continue;
      const prons = await this.pronunciation(word);
      prons.forEach((phones, i) => {
        if (sphinx.addWord(ps, i === 0 ? word : `${word}(${i + 1})`, phones, false) < 0) {
          throw new ProviderError(ID, `could not add a pronunciation for a boosted word (${phones})`, { retryable: false });
        }
      });
    }
    const general = sphinx.readLm(ps, generalLm);
    if (!general) throw new ProviderError(ID, `cannot read the language model ${generalLm}`, { retryable: false });
    const boost = this.readPhraseLm(sphinx, ps);
    if (!boost) {
      sphinx.freeLm(general);
      throw new ProviderError(ID, "cannot read the phrase language model", { retryable: false });
    }
    const set = sphinx.interpolateLms(ps, [
      { lm: general, name: "general", weight: 1 - this.weight },
      { lm: boost, name: "phrases", weight: this.weight },
    ]);
    // the set holds its own references, and the search holds the set's
    sphinx.freeLm(general);
    sphinx.freeLm(boost);
    if (!set) throw new ProviderError(ID, "cannot interpolate the language models", { retryable: false });
    const ok = sphinx.useLm(ps, SEARCH, set);
    sphinx.freeLm(set);
    if (!ok) throw new ProviderError(ID, "cannot activate the boosted language model", { retryable: false });
  }

  /**
   * The reader wants a file: it exists only while being read, in memory (/dev/shm) where there is one, because it
   * may hold the visitor's name.
   */
  private readPhraseLm(sphinx: SphinxBinding, ps: Pointer): Pointer | null {
    const dir = mkdtempSync(join(existsSync("/dev/shm") ? "/dev/shm" : tmpdir(), "mirror-lm-"));
    try {
      const path = join(dir, "phrases.arpa");
      writeFileSync(path, this.arpa, { mode: 0o600 });
      return sphinx.readLm(ps, path);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  private pronunciation(word: string): Promise<string[]> {
    let p = this.pronunciations.get(word);
    if (!p) {
      p = pronounce(word, this.voices).then((prons) => {
        if (prons.length === 0) throw new ProviderError(ID, "espeak-ng gave no pronunciation for a boosted word", { retryable: false });
        return prons;
      });
      this.pronunciations.set(word, p);
    }
    return p;
  }
}
