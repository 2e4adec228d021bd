import { describe, expect, it } from "vitest";
import { normalizeWords, wordErrorRate, wordErrors } from "./wer.js";

describe("wordErrorRate", () => {
  it("is zero for identical text regardless of case, punctuation and spacing", () => {
    expect(wordErrorRate("The quick, brown fox!", "  the QUICK brown   fox ")).toBe(0);
  });

  it("counts a substitution, a deletion and an insertion", () => {
    expect(wordErrors("the quick brown fox", "the quack brown fox")).toEqual({ substitutions: 1, deletions: 0, insertions: 0, referenceWords: 4 });
    expect(wordErrors("the quick brown fox", "the brown fox")).toEqual({ substitutions: 0, deletions: 1, insertions: 0, referenceWords: 4 });
    expect(wordErrors("the quick brown fox", "the quick brown red fox")).toEqual({ substitutions: 0, deletions: 0, insertions: 1, referenceWords: 4 });
    // the→a, -brown, +jumps, +high
    expect(wordErrorRate("the quick brown fox", "a quick fox jumps high")).toBe(1);
    expect(wordErrorRate("the quick brown fox", "a quick brown fox")).toBe(0.25);
  });

  it("finds the minimum alignment, not a position-by-position comparison", () => {
    // shifted by one word: one deletion + one insertion, not four substitutions
    expect(wordErrorRate("one two three four", "two three four five")).toBe(0.5);
  });

  it("handles empty sides", () => {
    expect(wordErrorRate("", "")).toBe(0);
    expect(wordErrorRate("hello there", "")).toBe(1);
    expect(wordErrorRate("", "uh huh")).toBe(2);
    expect(wordErrorRate("...", "!")).toBe(0);
  });

  it("keeps apostrophes inside words, splits hyphens, handles accents", () => {
    expect(normalizeWords("Don’t stop — twenty-one 'quoted' café")).toEqual(["don't", "stop", "twenty", "one", "quoted", "café"]);
    expect(wordErrorRate("don't", "dont")).toBe(1);
  });
});
