/** Word error rate for transcripts: case, punctuation and spacing do not count as errors. */

export interface WordErrors {
  substitutions: number;
  deletions: number;
  insertions: number;
  /** words in the normalized reference */
  referenceWords: number;
}

/** Lowercased words with punctuation removed; apostrophes inside words stay ("don't"), hyphens split. */
export function normalizeWords(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/[^\p{L}\p{N}']+/gu, " ")
    .split(" ")
    .map((w) => w.replace(/^'+|'+$/g, ""))
    .filter((w) => w.length > 0);
}

/** Word-level Levenshtein alignment counts (minimum edits, substitutions preferred on ties). */
export function wordErrors(reference: string, hypothesis: string): WordErrors {
  const ref = normalizeWords(reference);
  const hyp = normalizeWords(hypothesis);
  type Cell = { cost: number; s: number; d: number; i: number };
  let prev: Cell[] = Array.from({ length: hyp.length + 1 }, (_, j) => ({ cost: j, s: 0, d: 0, i: j }));
  for (let r = 1; r <= ref.length; r++) {
    const row: Cell[] = [{ cost: r, s: 0, d: r, i: 0 }];
    for (let h = 1; h <= hyp.length; h++) {
      const diag = prev[h - 1]!;
      const up = prev[h]!;
      const left = row[h - 1]!;
      const same = ref[r - 1] === hyp[h - 1];
      let best: Cell = { cost: diag.cost + (same ? 0 : 1), s: diag.s + (same ? 0 : 1), d: diag.d, i: diag.i };
      if (up.cost + 1 < best.cost) best = { cost: up.cost + 1, s: up.s, d: up.d + 1, i: up.i };
      if (left.cost + 1 < best.cost) best = { cost: left.cost + 1, s: left.s, d: left.d, i: left.i + 1 };
      row.push(best);
    }
    prev = row;
  }
  const last = prev[hyp.length]!;
  return { substitutions: last.s, deletions: last.d, insertions: last.i, referenceWords: ref.length };
}

/**
 * (substitutions + deletions + insertions) / reference words. An empty reference scores 0 against
 * an empty hypothesis and one error per inserted word otherwise, so the result can exceed 1.
 */
export function wordErrorRate(reference: string, hypothesis: string): number {
  const e = wordErrors(reference, hypothesis);
  return (e.substitutions + e.deletions + e.insertions) / Math.max(1, e.referenceWords);
}
