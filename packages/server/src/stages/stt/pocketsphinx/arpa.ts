/**
 * A small trigram language model in ARPA text form, built from a phrase list (the experience's likely phrases, the
 * visitor's name): absolute discounting with back-off, so any word of the list may follow any other, the listed
 * sequences being far likelier. Interpolated with the general model by the decoder (boost.ts).
 */
import { normalizeWords } from "../../../observers/wer.js";

const DISCOUNT = 0.5;
const BOS = "<s>";
const EOS = "</s>";

type Counts = Map<string, number>;
const bump = (m: Counts, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
const log10 = (p: number) => (p > 0 ? Math.log10(p) : -99).toFixed(4);

/** The phrases' words, lowercase, as the dictionary spells them ("don't" keeps its apostrophe). */
export function phraseWords(phrases: readonly string[]): string[][] {
  return phrases.map((p) => normalizeWords(p)).filter((w) => w.length > 0);
}

export interface ArpaOptions {
  /**
   * Every unigram's probability, instead of its share of the phrases' words. A small value (the default, 1e-6)
   * makes the model speak only where a listed n-gram matches: with the phrase share (~1/vocabulary, far above a
   * general model's unigrams) each listed word was pulled into unrelated speech ("muted" → "me you did").
   * null keeps the maximum-likelihood unigrams.
   */
  unigramProbability?: number | null;
}

export function buildArpa(phrases: readonly string[], opts: ArpaOptions = {}): string {
  const floor = opts.unigramProbability === undefined ? 1e-6 : opts.unigramProbability;
  const sentences = phraseWords(phrases).map((w) => [BOS, ...w, EOS]);
  if (sentences.length === 0) throw new Error("no words in the phrase list");
  const c1: Counts = new Map();
  const c2: Counts = new Map();
  const c3: Counts = new Map();
  for (const s of sentences) {
    for (let i = 0; i < s.length; i++) {
      bump(c1, s[i]!);
      if (i >= 1) bump(c2, `${s[i - 1]} ${s[i]}`);
      if (i >= 2) bump(c3, `${s[i - 2]} ${s[i - 1]} ${s[i]}`);
    }
  }
  const total = [...c1].reduce((n, [w, c]) => (w === BOS ? n : n + c), 0);
  const p1 = new Map<string, number>([...c1].map(([w, c]) => [w, w === BOS ? 0 : (floor ?? c / total)]));

  const p2 = discounted(c2, (w) => p1.get(w) ?? 0);
  const p2bo = (h: string, w: string) => p2.probs.get(`${h} ${w}`) ?? (p2.backoff.get(h) ?? 1) * (p1.get(w) ?? 0);
  const p3 = discounted(c3, (w, h) => p2bo(h.split(" ")[1]!, w));

  const lines = ["\\data\\", `ngram 1=${c1.size}`, `ngram 2=${c2.size}`, `ngram 3=${c3.size}`, "", "\\1-grams:"];
  for (const [w] of c1) lines.push(`${log10(p1.get(w)!)} ${w} ${log10(p2.backoff.get(w) ?? 1)}`);
  lines.push("", "\\2-grams:");
  for (const [k] of c2) lines.push(`${log10(p2.probs.get(k)!)} ${k} ${log10(p3.backoff.get(k) ?? 1)}`);
  lines.push("", "\\3-grams:");
  for (const [k] of c3) lines.push(`${log10(p3.probs.get(k)!)} ${k}`);
  lines.push("", "\\end\\", "");
  return lines.join("\n");
}

/**
 * P(w | h) = (c(h w) − D) / c(h ·) for seen n-grams; the mass taken, D · (distinct followers of h) / c(h ·), goes
 * to the lower order, scaled by the back-off weight so the distribution still sums to one.
 */
function discounted(counts: Counts, lower: (w: string, history: string) => number): { probs: Map<string, number>; backoff: Map<string, number> } {
  const byHistory = new Map<string, { total: number; followers: string[] }>();
  for (const [k, c] of counts) {
    const cut = k.lastIndexOf(" ");
    const h = k.slice(0, cut);
    const e = byHistory.get(h) ?? { total: 0, followers: [] };
    e.total += c;
    e.followers.push(k.slice(cut + 1));
    byHistory.set(h, e);
  }
  const probs = new Map<string, number>();
  const backoff = new Map<string, number>();
  for (const [h, { total, followers }] of byHistory) {
    let seenLower = 0;
    for (const w of followers) {
      probs.set(`${h} ${w}`, (counts.get(`${h} ${w}`)! - DISCOUNT) / total);
      seenLower += lower(w, h);
    }
    const left = (DISCOUNT * followers.length) / total;
    backoff.set(h, left / Math.max(1e-6, 1 - seenLower));
  }
  return { probs, backoff };
}
