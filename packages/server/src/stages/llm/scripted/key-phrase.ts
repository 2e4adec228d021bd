import type { Language } from "@mirror/protocol";
import { swapPronouns } from "./pronouns.js";

/** A bit of what the visitor said, already turned around for the double to say back. */
export interface KeyPhrase {
  text: string;
  /** "clause" has its own subject ("you love sailing"); "fragment" does not ("sailing on the lake") */
  kind: "clause" | "fragment";
}

interface LanguageWords {
  fillers: ReadonlySet<string>;
  /** openings that only hedge what follows ("I think …"); dropped when the rest stands on its own */
  hedges: readonly string[];
  /** finite verbs that make "sailing is my life" a clause although it starts with no pronoun */
  linkingVerbs: ReadonlySet<string>;
  conjunctions: RegExp;
  firstPerson: ReadonlySet<string>;
  possessive: string;
  subjects: ReadonlySet<string>;
  questionStarts: ReadonlySet<string>;
  stopwords: ReadonlySet<string>;
  dangling: ReadonlySet<string>;
}

const WORDS: Readonly<Record<Language, LanguageWords>> = {
  en: {
    fillers: new Set(["um", "uh", "uhm", "erm", "well", "so", "yeah", "yes", "no", "oh", "okay", "ok", "like", "hmm", "hm", "actually", "and", "but", "right", "because", "hello", "hi", "hey"]),
    hedges: ["i think that", "i think", "i guess", "i believe", "i suppose", "i mean", "i feel like", "i feel that"],
    linkingVerbs: new Set(["is", "are", "was", "were", "has", "have", "had", "does", "can", "will", "would", "makes", "feels", "seems", "sounds", "looks", "gets"]),
    conjunctions: /\s+(?:but|because|although|though|and then|and)\s+/iu,
    firstPerson: new Set(["i", "i'm", "i've", "i'd", "i'll"]),
    possessive: "my",
    subjects: new Set(["i", "i'm", "i've", "i'd", "i'll", "you", "you're", "we", "we're", "he", "she", "they", "it", "it's", "there", "that", "that's", "this", "people", "everything", "nothing"]),
    questionStarts: new Set(["what", "why", "how", "who", "where", "when", "which", "are", "is", "do", "does", "did", "can", "could", "will", "would", "have", "should"]),
    stopwords: new Set([
      "the", "and", "but", "you", "your", "are", "was", "were", "have", "has", "had", "not", "that", "this", "with", "for", "just",
      "very", "really", "there", "then", "too", "also", "all", "about", "what", "some", "much", "many", "its", "it's", "i'm",
      "am", "been", "being", "get", "got", "did", "does", "can", "will", "would", "could", "should", "thing", "things",
    ]),
    dangling: new Set(["the", "a", "an", "of", "to", "in", "on", "at", "for", "with", "my", "your", "very", "really", "um", "uh", "like", "and", "that", "our", "his", "her", "their", "its"]),
  },
  nl: {
    fillers: new Set(["eh", "ehm", "uhm", "nou", "ja", "nee", "dus", "oké", "ok", "o", "oh", "hè", "hm", "en", "maar", "tja", "zeg", "goh", "omdat", "want", "hallo", "hoi", "hé", "hey"]),
    hedges: ["volgens mij"],
    linkingVerbs: new Set(["is", "zijn", "was", "waren", "heeft", "hebben", "wordt", "kan", "zal", "moet", "lijkt", "voelt", "klinkt", "maakt"]),
    conjunctions: /\s+(?:maar|want|omdat|hoewel|en toen|en|dus)\s+/iu,
    firstPerson: new Set(["ik"]),
    possessive: "mijn",
    subjects: new Set(["ik", "jij", "je", "we", "wij", "hij", "zij", "ze", "het", "er", "dat", "dit", "u", "men"]),
    questionStarts: new Set(["wat", "waarom", "hoe", "wie", "waar", "wanneer", "welke", "ben", "bent", "is", "heb", "hebt", "kun", "kan", "wil", "zou", "weet", "doe", "ga"]),
    stopwords: new Set([
      "de", "het", "een", "en", "maar", "jij", "jouw", "ben", "bent", "was", "heb", "hebt", "niet", "dat", "dit", "met", "voor",
      "gewoon", "heel", "erg", "echt", "ook", "wel", "nog", "dan", "toen", "wat", "van", "die", "zijn", "kan", "wil", "zou",
      "moet", "wordt", "best", "veel", "iets", "dingen",
    ]),
    dangling: new Set(["de", "het", "een", "van", "te", "in", "op", "aan", "voor", "met", "mijn", "heel", "erg", "eh", "ehm", "en", "dat", "onze", "ons", "hun", "zijn", "haar"]),
  },
};

const MAX_PHRASE_WORDS = 10;

/** Thanks and goodbyes are said to the double, not about the visitor: never said back ("dank je" → "dank mij"). */
const COURTESY = /^(?:thank you(?: (?:very much|so much))?|thanks(?: a lot)?|goodbye|bye|dank je(?: wel)?|dank u(?: wel)?|bedankt|dag|tot ziens|doei)$/i;

interface Clause {
  words: string[];
  question: boolean;
  atSentenceStart: boolean;
}

/** Did the visitor ask the double something? */
export function asksSomething(userText: string, language: Language): boolean {
  return clausesOf(userText, language).some((c) => c.question);
}

/**
 * The phrase of the visitor's turn most worth saying back: a statement about themselves first
 * ("I love sailing" → "you love sailing"), else the clause with most content words. Questions
 * and fillers are never picked.
 */
export function pickKeyPhrase(userText: string, language: Language): KeyPhrase | undefined {
  const words = WORDS[language];
  let best: { words: string[]; score: number; atSentenceStart: boolean } | undefined;
  for (const clause of clausesOf(userText, language)) {
    if (clause.question) continue;
    const first = clause.words[0]?.toLowerCase() ?? "";
    const content = clause.words.filter((w) => w.length > 2 && !words.stopwords.has(w.toLowerCase()) && !words.firstPerson.has(w.toLowerCase()));
    if (content.length === 0) continue;
    const aboutThemselves = words.firstPerson.has(first) || first === words.possessive;
    const score = content.length + (aboutThemselves ? 3 : 0);
    if (!best || score > best.score) best = { words: clause.words, score, atSentenceStart: clause.atSentenceStart };
  }
  if (!best) return undefined;

  const kept = cutAtPhrase(best.words, MAX_PHRASE_WORDS, words.dangling);
  while (kept.length > 1 && words.dangling.has((kept[kept.length - 1] ?? "").toLowerCase())) kept.pop();
  const first = (kept[0] ?? "").toLowerCase();
  const clause =
    words.subjects.has(first) ||
    kept.slice(1, 3).some((w) => words.linkingVerbs.has(w.toLowerCase())) ||
    (first === words.possessive && kept.length >= 4);
  let text = swapPronouns(kept.join(" "), language);
  // Templates say the phrase mid-sentence ("So you love sailing."): only "I" and names keep a capital,
  // and a capital is a name only where it does not start the visitor's sentence.
  const original = kept[0] ?? "";
  const isName = !best.atSentenceStart && /^\p{Lu}/u.test(original) && !/^i(?:'|$)/i.test(original);
  if (!isName && !/^I(?:\b|')/.test(text)) text = text.charAt(0).toLowerCase() + text.slice(1);
  return { text, kind: clause ? "clause" : "fragment" };
}

function clausesOf(userText: string, language: Language): Clause[] {
  const words = WORDS[language];
  const clauses: Clause[] = [];
  const pieces = userText.replace(/[’`]/g, "'").split(/([.,;:!?…]+)/);
  for (let i = 0; i < pieces.length; i += 2) {
    const piece = pieces[i] ?? "";
    const punctuation = pieces[i + 1] ?? "";
    const afterSentenceEnd = i === 0 || /[.!?…]/.test(pieces[i - 1] ?? "");
    const parts = piece.split(words.conjunctions);
    parts.forEach((part, index) => {
      const clauseWords = part.split(/\s+/).map((w) => w.replace(/^["'(]+|["')]+$/g, "")).filter((w) => w !== "");
      while (clauseWords.length > 0 && words.fillers.has((clauseWords[0] ?? "").toLowerCase())) clauseWords.shift();
      dropHedge(clauseWords, words.hedges);
      if (clauseWords.length === 0 || COURTESY.test(clauseWords.join(" "))) return;
      const endsWithQuestionMark = punctuation.includes("?") && index === parts.length - 1;
      const question = endsWithQuestionMark || (index === 0 && words.questionStarts.has((clauseWords[0] ?? "").toLowerCase()));
      clauses.push({ words: clauseWords, question, atSentenceStart: afterSentenceEnd && index === 0 });
    });
  }
  return clauses;
}

function dropHedge(clauseWords: string[], hedges: readonly string[]): void {
  const opening = clauseWords.join(" ").toLowerCase();
  for (const hedge of hedges) {
    const length = hedge.split(" ").length;
    if ((opening === hedge || opening.startsWith(`${hedge} `)) && clauseWords.length - length >= 2) {
      clauseWords.splice(0, length);
      return;
    }
  }
}

/**
 * The first `max` words; when that cuts a phrase ("… in a small"), back to before the phrase that was cut
 * ("… in"), so a long clause is said back whole as far as it goes.
 */
export function cutAtPhrase(words: readonly string[], max: number, dangling: ReadonlySet<string>): string[] {
  if (words.length <= max) return [...words];
  const kept = words.slice(0, max);
  for (let i = kept.length - 1; i >= 2; i--) {
    if (dangling.has((kept[i] ?? "").toLowerCase())) return kept.slice(0, i);
  }
  return kept;
}
