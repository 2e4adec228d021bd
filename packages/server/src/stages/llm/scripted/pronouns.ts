import type { Language } from "@mirror/protocol";

/** Words (with contractions such as "I'm", "m'n") between everything else. */
const WORD = /([\p{L}\p{N}]+(?:['’]\p{L}+)*)/u;

interface Word {
  /** index in the token array (odd: split() puts captured words there) */
  token: number;
  original: string;
  lower: string;
  /** nothing before it but sentence punctuation */
  sentenceStart: boolean;
}

/**
 * Turns the visitor's words around so the double can say them back: I ↔ you, my ↔ your, am ↔ are
 * (Dutch: ik ↔ jij, mijn ↔ jouw, ben ↔ bent, werk ↔ werkt, …). "I love my dog" → "you love your dog".
 */
export function swapPronouns(text: string, language: Language): string {
  const tokens = text.split(WORD);
  const words = wordsOf(tokens);
  const swapped = language === "en" ? swapEnglish(words) : swapDutch(words, tokens);
  for (const [i, replacement] of swapped) {
    const word = words[i];
    if (word) tokens[word.token] = withCase(word, replacement);
  }
  return tokens.join("");
}

function wordsOf(tokens: readonly string[]): Word[] {
  const words: Word[] = [];
  for (let token = 1; token < tokens.length; token += 2) {
    const original = tokens[token] ?? "";
    const before = tokens[token - 1] ?? "";
    words.push({
      token,
      original,
      lower: original.toLowerCase().replace(/’/g, "'"),
      sentenceStart: words.length === 0 || /[.!?…]/.test(before),
    });
  }
  return words;
}

function withCase(word: Word, replacement: string): string {
  if (replacement === "I" || replacement.startsWith("I'")) return replacement;
  const first = word.original.charAt(0);
  // English "I" is capitalised anywhere: its capital only counts at the start of a sentence.
  const isEnglishI = /^i(?:'|$)/.test(word.lower);
  const capitalised = first !== first.toLowerCase() && (!isEnglishI || word.sentenceStart);
  return capitalised ? replacement.charAt(0).toUpperCase() + replacement.slice(1) : replacement;
}

// ---------- English ----------

const ENGLISH_DIRECT: Readonly<Record<string, string>> = {
  i: "you",
  me: "you",
  my: "your",
  mine: "yours",
  myself: "yourself",
  "i'm": "you're",
  "i've": "you've",
  "i'll": "you'll",
  "i'd": "you'd",
  your: "my",
  yours: "mine",
  yourself: "myself",
  "you're": "I'm",
  "you've": "I've",
  "you'll": "I'll",
  "you'd": "I'd",
};

/** After these, "you" is a subject ("I think you know" → "you think I know"), else an object. */
const ENGLISH_SUBJECT_AFTER = new Set([
  "and", "but", "or", "because", "that", "if", "when", "so", "than", "while", "since", "as", "though", "although",
  "unless", "until", "think", "know", "guess", "believe", "hope", "bet", "are", "were", "do", "did", "does", "can",
  "could", "will", "would", "should", "have", "had", "don't", "didn't", "can't", "won't", "wouldn't", "shouldn't",
  "couldn't", "may", "might", "must",
]);

/** Before these, "you" is a subject ("you know" → "I know"). */
const ENGLISH_VERBISH = new Set([
  "are", "were", "have", "had", "do", "did", "don't", "didn't", "can", "can't", "could", "will", "won't", "would",
  "should", "must", "might", "may", "know", "think", "like", "love", "want", "need", "said", "say", "see", "look",
  "feel", "seem", "never", "always", "really", "also", "just", "told", "make", "made", "go", "went", "get", "got",
  "work", "live", "sound", "remind", "mean",
]);

function swapEnglish(words: readonly Word[]): Map<number, string> {
  const out = new Map<number, string>();
  words.forEach((word, i) => {
    const prev = words[i - 1]?.lower;
    const next = words[i + 1]?.lower;
    let replacement: string | undefined;
    switch (word.lower) {
      case "you": {
        const subject =
          word.sentenceStart || prev === undefined || ENGLISH_SUBJECT_AFTER.has(prev) || (next !== undefined && ENGLISH_VERBISH.has(next));
        replacement = subject ? "I" : "me";
        break;
      }
      case "am":
        replacement = prev === "i" || next === "i" ? "are" : undefined;
        break;
      case "was":
        replacement = prev === "i" || next === "i" ? "were" : undefined;
        break;
      case "are":
        replacement = prev === "you" || next === "you" ? "am" : undefined;
        break;
      case "were":
        replacement = prev === "you" || next === "you" ? "was" : undefined;
        break;
      default:
        replacement = ENGLISH_DIRECT[word.lower];
    }
    if (replacement !== undefined) out.set(i, replacement);
  });
  return out;
}

// ---------- Dutch ----------

const DUTCH_DIRECT: Readonly<Record<string, string>> = {
  ik: "jij",
  mij: "jou",
  me: "je",
  mijn: "jouw",
  "m'n": "je",
  mezelf: "jezelf",
  mijzelf: "jezelf",
  jij: "ik",
  jou: "mij",
  jouw: "mijn",
  jezelf: "mezelf",
  jouzelf: "mezelf",
  uw: "mijn",
};

/** ik-form → jij-form of verbs that do not just add a -t. */
const DUTCH_IRREGULAR: Readonly<Record<string, string>> = {
  ben: "bent",
  heb: "hebt",
  kan: "kunt",
  wil: "wilt",
  zal: "zult",
  mag: "mag",
  hou: "houdt",
  houd: "houdt",
  doe: "doet",
  ga: "gaat",
  sta: "staat",
  zie: "ziet",
  sla: "slaat",
  moet: "moet",
  weet: "weet",
  eet: "eet",
  zit: "zit",
};
const DUTCH_IRREGULAR_TO_IK: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(DUTCH_IRREGULAR).map(([ik, jij]) => [jij, ik === "houd" ? "hou" : ik]),
);

/** Common verb stems (ik-form) whose jij-form is stem + t. */
const DUTCH_STEMS = new Set([
  "werk", "woon", "denk", "voel", "hoop", "leer", "lees", "speel", "maak", "kook", "loop", "fiets", "zwem", "reis",
  "zing", "dans", "luister", "praat", "droom", "mis", "geloof", "zoek", "wacht", "heet", "schrijf", "teken", "schilder",
  "studeer", "sport", "wandel", "zeil", "bak", "drink", "vind", "word", "kijk", "ren", "bouw", "ontwerp", "geef",
  "help", "ken", "noem", "snap", "begrijp", "probeer", "twijfel", "lach", "huil", "slaap", "spreek", "vertel", "hoor",
  "kom", "koop", "verzamel", "programmeer", "fotografeer", "klim", "mediteer", "lig", "neem", "blijf", "krijg",
  "verwacht", "bedoel", "haat", "rij", "schaats", "surf", "golf", "tuinier", "handel", "zorg", "geniet",
  "herinner", "vergeet", "stop", "begin", "leef", "durf", "hoef", "zeg", "vraag", "lijk", "klink", "pieker", "verander",
  "schrik", "beloof", "vertrouw", "hou",
]);

const DUTCH_SUBJECT_AFTER = new Set([
  "en", "maar", "want", "omdat", "dat", "als", "of", "dus", "toen", "wanneer", "terwijl", "hoewel", "denk", "weet",
  "wat", "waar", "waarom", "hoe", "wie", "welke", "nu", "dan", "misschien",
]);

/** Words after "je" that make it an object ("ik vind je leuk"), not a possessive ("je fiets"). */
const DUTCH_NOT_OWNED = new Set([
  "leuk", "mooi", "aardig", "lief", "graag", "niet", "ook", "wel", "nog", "al", "echt", "zo", "heel", "erg", "gewoon",
  "toch", "maar", "zelf", "weer", "dan", "altijd", "nooit", "vaak", "nu", "hier", "daar", "te", "om", "met", "in", "op",
  "aan", "voor", "van", "bij", "uit", "terug", "zien", "horen", "vinden", "helpen",
]);

/** "dan" too, in comparisons: "dapperder dan ik lijk" (a "dan" before a verb is "then" and inverts instead). */
const DUTCH_SUBORDINATORS = new Set(["dat", "omdat", "als", "of", "wanneer", "terwijl", "hoewel", "toen", "zodat", "voordat", "nadat", "dan"]);
const DUTCH_CLAUSE_BREAKS = new Set(["en", "maar", "want", "dus", "of", "dan"]);

function dutchJijForm(ik: string): string | undefined {
  const irregular = DUTCH_IRREGULAR[ik];
  if (irregular) return irregular;
  if (!DUTCH_STEMS.has(ik)) return undefined;
  return ik.endsWith("t") ? ik : `${ik}t`;
}

function dutchIkForm(jij: string): string | undefined {
  const irregular = DUTCH_IRREGULAR_TO_IK[jij];
  if (irregular) return irregular;
  if (jij.endsWith("t") && DUTCH_STEMS.has(jij.slice(0, -1))) return jij.slice(0, -1);
  return undefined;
}

function isDutchVerb(word: string | undefined): boolean {
  if (word === undefined) return false;
  return dutchJijForm(word) !== undefined || dutchIkForm(word) !== undefined;
}

/** "werkt", "bent": only a verb, where "werk" may be a noun ("je werk"). */
function isDutchJijForm(word: string | undefined): boolean {
  return word !== undefined && dutchIkForm(word) !== undefined;
}

function swapDutch(words: readonly Word[], tokens: readonly string[]): Map<number, string> {
  const out = new Map<number, string>();
  const onlySpaceBefore = (i: number): boolean => {
    const word = words[i];
    return word !== undefined && /^\s+$/.test(tokens[word.token - 1] ?? "");
  };
  /** the last word of the clause that word i is in */
  const clauseEnd = (i: number): number => {
    let end = i;
    while (end + 1 < words.length && onlySpaceBefore(end + 1) && !DUTCH_CLAUSE_BREAKS.has(words[end + 1]?.lower ?? "")) end++;
    return end;
  };
  /** the last verb between from and to ("dat ik dapperder ben" → "ben"), or `to` when none is known */
  const lastVerbIn = (from: number, to: number): number => {
    for (let k = to; k >= from; k--) if (isDutchVerb(words[k]?.lower)) return k;
    return to;
  };
  words.forEach((word, i) => {
    if (out.has(i)) return; // already conjugated to agree with a swapped pronoun
    const prev = words[i - 1];
    const next = words[i + 1];
    const clauseStart = word.sentenceStart || prev === undefined || DUTCH_SUBJECT_AFTER.has(prev.lower) || !onlySpaceBefore(i);
    // "ben je", "werk je": the verb came first, so the pronoun after it is the subject
    const beforeVerb = words[i - 2];
    const inverted =
      prev !== undefined &&
      isDutchVerb(prev.lower) &&
      (beforeVerb === undefined || prev.sentenceStart || DUTCH_SUBJECT_AFTER.has(beforeVerb.lower));
    const subjectPosition = clauseStart || inverted || isDutchJijForm(next?.lower);

    let replacement: string | undefined;
    if (word.lower === "je" || word.lower === "u") {
      const possessive = word.lower === "je" && next !== undefined && onlySpaceBefore(i + 1) && !DUTCH_NOT_OWNED.has(next.lower);
      replacement = subjectPosition ? "ik" : possessive ? "mijn" : "mij";
    } else {
      replacement = DUTCH_DIRECT[word.lower];
    }
    if (replacement === undefined) return;
    out.set(i, replacement);

    // the pronoun is now the other person's, so its verb must agree: "ik werk" → "jij werkt"
    if (replacement !== "ik" && replacement !== "jij") return;
    const toJij = replacement === "jij";
    // after "dat", "omdat", … the verb ends the clause: "dat ik gelijk heb" → "dat jij gelijk hebt"
    const verbAt = prev && DUTCH_SUBORDINATORS.has(prev.lower) ? lastVerbIn(i + 1, clauseEnd(i)) : inverted ? undefined : i + 1;
    const verbWord = verbAt === undefined ? undefined : words[verbAt];
    if (verbAt !== undefined && verbAt > i && verbWord && (verbAt > i + 1 || onlySpaceBefore(verbAt))) {
      const verb = toJij ? dutchJijForm(verbWord.lower) : dutchIkForm(verbWord.lower);
      if (verb !== undefined) out.set(verbAt, verb);
    }
    // "bent u?" → "ben ik?": inverted jij-forms lose their -t too
    if (!toJij && inverted && prev) {
      const verb = dutchIkForm(prev.lower);
      if (verb !== undefined) out.set(i - 1, verb);
    }
  });
  return out;
}
