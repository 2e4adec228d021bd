import type { Language } from "@mirror/protocol";

interface FactPattern {
  /** must be global; the fact's words are read from where the match ends */
  trigger: RegExp;
  /** how the fact starts, in the visitor's first person */
  prefix: string;
  kind: "name" | "clause" | "liking";
  /** first words after the trigger that make it small talk, not a fact ("I'm not sure") */
  notAFact?: ReadonlySet<string>;
}

const NOT_AFTER_I_AM = new Set([
  "not", "sure", "fine", "good", "okay", "ok", "alright", "all", "here", "sorry", "going", "gonna", "trying",
  "thinking", "just", "so", "well", "still", "listening", "talking", "looking", "saying", "kidding", "done", "called",
  "it", "that", "this", "you", "your",
]);
const NOT_AFTER_LIKE = new Set(["it", "that", "this", "you", "your", "him", "her", "them"]);
const NOT_AFTER_IK_BEN = new Set([
  "niet", "er", "hier", "zeker", "gewoon", "even", "zo", "wel", "nog", "aan", "bezig", "het", "dat", "jij", "jou", "jouw",
]);
const NOT_AFTER_HOU_VAN = new Set(["het", "dat", "dit", "je", "jou", "jouw", "hem", "haar"]);
const NOT_A_NAME = new Set(["not", "actually", "um", "uh", "niet", "eigenlijk", "eh", "ehm", "is", "the", "de", "het"]);

const NO_LETTER_BEFORE = "(?<!\\p{L})";
const pattern = (source: string): RegExp => new RegExp(NO_LETTER_BEFORE + source, "giu");

const PATTERNS: Readonly<Record<Language, readonly FactPattern[]>> = {
  en: [
    { trigger: pattern("(?:my name is|my name's|i am called|i'm called|call me)\\s+"), prefix: "my name is", kind: "name" },
    { trigger: pattern("(?:i am|i'm)\\s+"), prefix: "I am", kind: "clause", notAFact: NOT_AFTER_I_AM },
    {
      trigger: pattern("i (?:really |also |absolutely |just )?(?:like|love|enjoy|adore|hate)\\s+"),
      prefix: "",
      kind: "liking",
      notAFact: NOT_AFTER_LIKE,
    },
    { trigger: pattern("i work\\s+"), prefix: "I work", kind: "clause" },
    { trigger: pattern("i live\\s+"), prefix: "I live", kind: "clause" },
    { trigger: pattern("i study\\s+"), prefix: "I study", kind: "clause" },
    { trigger: pattern("i come from\\s+"), prefix: "I come from", kind: "clause" },
    { trigger: pattern("i have (?=(?:a|an|one|two|three|four|five|six|\\d+)\\s)"), prefix: "I have", kind: "clause" },
  ],
  nl: [
    { trigger: pattern("(?:mijn naam is|ik heet|noem me)\\s+"), prefix: "mijn naam is", kind: "name" },
    { trigger: pattern("ik ben\\s+"), prefix: "ik ben", kind: "clause", notAFact: NOT_AFTER_IK_BEN },
    {
      trigger: pattern("ik houd? (?:echt |erg |heel erg |ook |zo )?van\\s+"),
      prefix: "ik hou van",
      kind: "clause",
      notAFact: NOT_AFTER_HOU_VAN,
    },
    { trigger: pattern("ik vind\\s+"), prefix: "ik vind", kind: "liking" },
    { trigger: pattern("ik werk\\s+"), prefix: "ik werk", kind: "clause" },
    { trigger: pattern("ik woon\\s+"), prefix: "ik woon", kind: "clause" },
    { trigger: pattern("ik studeer\\s+"), prefix: "ik studeer", kind: "clause" },
    { trigger: pattern("ik kom uit\\s+"), prefix: "ik kom uit", kind: "clause" },
    {
      trigger: pattern("ik heb (?=(?:een|twee|drie|vier|vijf|zes|\\d+)\\s)"),
      prefix: "ik heb",
      kind: "clause",
    },
  ],
};

const CLAUSE_ENDS: Readonly<Record<Language, ReadonlySet<string>>> = {
  en: new Set([
    "and", "but", "because", "so", "or", "although", "though", "when", "while", "if", "which", "who", "that", "since",
    "then", "actually", "i", "i'm",
  ]),
  nl: new Set(["en", "maar", "want", "omdat", "dus", "of", "hoewel", "als", "toen", "terwijl", "die", "dat", "sinds", "eigenlijk", "ik"]),
};

const DANGLING: Readonly<Record<Language, ReadonlySet<string>>> = {
  en: new Set(["the", "a", "an", "of", "to", "in", "on", "at", "for", "with", "my", "your", "our", "his", "her", "their", "very", "really", "um", "uh", "like"]),
  nl: new Set(["de", "het", "een", "van", "te", "in", "op", "aan", "voor", "met", "mijn", "onze", "ons", "hun", "heel", "erg", "eh", "ehm"]),
};

/** Dutch words that make "ik vind X ..." a liking ("ik vind zeilen leuk"), not an opinion. */
const DUTCH_LIKING_WORDS = new Set(["leuk", "mooi", "fijn", "geweldig", "heerlijk", "lekker", "interessant", "belangrijk", "prachtig"]);

const MAX_FACT_WORDS = 6;

/**
 * Short facts the visitor said about themselves, in their own first person ("I am a designer",
 * "ik hou van zeilen"), from simple patterns. Works on unpunctuated lower-case STT output too.
 */
export function extractFacts(userText: string, language: Language): string[] {
  const text = userText.replace(/[’`]/g, "'").replace(/\s+/g, " ").trim();
  const found: Array<{ at: number; fact: string }> = [];
  for (const fact of PATTERNS[language]) {
    for (const match of text.matchAll(fact.trigger)) {
      const at = match.index ?? 0;
      const built = buildFact(fact, match[0], text.slice(at + match[0].length), language);
      if (built) found.push({ at, fact: built });
    }
  }
  // in the order the visitor said them, each once
  const seen = new Set<string>();
  return found
    .sort((a, b) => a.at - b.at)
    .map((f) => f.fact)
    .filter((fact) => !seen.has(fact.toLowerCase()) && seen.add(fact.toLowerCase()));
}

function buildFact(fact: FactPattern, trigger: string, after: string, language: Language): string | undefined {
  const words = clauseWords(after, language);
  const first = words[0]?.toLowerCase();
  if (first === undefined || fact.notAFact?.has(first)) return undefined;

  if (fact.kind === "name") {
    if (NOT_A_NAME.has(first)) return undefined;
    const name = words[0] ?? "";
    return `${fact.prefix} ${name.charAt(0).toUpperCase()}${name.slice(1)}`;
  }
  if (fact.kind === "liking" && language === "nl") {
    const likingAt = words.findIndex((w) => DUTCH_LIKING_WORDS.has(w.toLowerCase()));
    if (likingAt < 1) return undefined;
    return `${fact.prefix} ${words.slice(0, likingAt + 1).join(" ")}`;
  }
  const tail = trimDangling(cutPhrase(words, MAX_FACT_WORDS, language), language);
  if (tail.length === 0) return undefined;
  // English likings keep the visitor's own verb ("I adore cats"), read back from the trigger.
  const prefix = fact.kind === "liking" ? `I ${trigger.trim().split(" ").slice(1).join(" ").toLowerCase()}` : fact.prefix;
  return `${prefix} ${tail.join(" ")}`;
}

/** The words after a trigger, up to the end of that clause. */
function clauseWords(after: string, language: Language): string[] {
  const clause = after.split(/[.,!?;:…]/)[0] ?? "";
  const words: string[] = [];
  for (const word of clause.split(" ")) {
    if (word === "") continue;
    if (words.length > 0 && CLAUSE_ENDS[language].has(word.toLowerCase())) break;
    words.push(word);
  }
  return words;
}

/** The first `max` words; when that cuts a phrase ("work as a designer in a small"), back to before it. */
function cutPhrase(words: readonly string[], max: number, language: Language): string[] {
  if (words.length <= max) return [...words];
  const kept = words.slice(0, max);
  for (let i = kept.length - 1; i >= 2; i--) if (DANGLING[language].has((kept[i] ?? "").toLowerCase())) return kept.slice(0, i);
  return kept;
}

function trimDangling(words: string[], language: Language): string[] {
  const kept = [...words];
  while (kept.length > 0 && DANGLING[language].has((kept[kept.length - 1] ?? "").toLowerCase())) kept.pop();
  return kept;
}

/** The visitor's name, if a fact holds it. */
export function nameFromFacts(facts: readonly string[]): string | undefined {
  for (const fact of facts) {
    const match = /^(?:my name is|mijn naam is) (\S+)$/i.exec(fact);
    if (match?.[1]) return match[1];
  }
  return undefined;
}
