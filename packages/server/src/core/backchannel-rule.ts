import type { Language } from "@mirror/protocol";
import { isLoneBackchannel, words } from "./endpointing.js";

/**
 * Whether a short stretch of speech over the double, as the STT heard it, was a backchannel (the reply resumes) or
 * an interruption (it commits). Decided with data (docs/ears.md, bench/backchannel-bench.ts): PocketSphinx has no
 * word for a hum, so "mm" / "mhm" / "uh-huh" come back as nothing, one arbitrary word ("good", "black", "the") or a
 * couple of function words ("on her", "and i"); only "yes", "okay", "right" come back as themselves. So a short
 * stretch resumes unless the STT heard an interruption: a word from `interruptions` ("no", "wait", "stop", "what"),
 * or two or more words that are not all function words. Only ever asked for a stretch ≤ maxSpeechMs.
 */
export interface BackchannelRule {
  /** the words that resume when said alone (the configured list) */
  words: readonly string[];
  /** single words that interrupt even when short */
  interruptions: readonly string[];
  /** words that carry nothing alone (what the STT makes of a hum): a stretch of only these (≤ 3) resumes */
  fillers: readonly string[];
}

export const DEFAULT_INTERRUPTIONS: Record<Language, readonly string[]> = {
  en: ["no", "nope", "wait", "stop", "what", "sorry", "hey", "hold", "excuse", "pardon", "why", "how", "who", "where", "when", "hello"],
  nl: ["nee", "wacht", "stop", "wat", "sorry", "hé", "hee", "waarom", "hoe", "wie", "waar", "wanneer", "hallo"],
};

export const DEFAULT_FILLERS: Record<Language, readonly string[]> = {
  en: ["a", "an", "the", "and", "i", "i'm", "am", "on", "in", "of", "to", "it", "her", "him", "uh", "um", "er", "ah", "oh", "hm", "huh", "m", "h"],
  nl: ["de", "het", "een", "en", "ik", "in", "op", "van", "uh", "eh", "ehm", "ah", "oh", "hm", "m"],
};

export function heardAsBackchannel(text: string, rule: BackchannelRule): boolean {
  const w = words(text);
  if (w.length === 0) return true; // a hum or a cough the STT could not place
  if (isLoneBackchannel(text, rule.words)) return true;
  if (w.some((x) => rule.interruptions.includes(x))) return false;
  if (w.length === 1) return true;
  return w.length <= 3 && w.every((x) => rule.fillers.includes(x));
}

export function backchannelRule(language: Language, o: { words: Partial<Record<Language, readonly string[]>>; interruptions?: Partial<Record<Language, readonly string[]>>; fillers?: Partial<Record<Language, readonly string[]>> }): BackchannelRule {
  return {
    words: o.words[language] ?? [],
    interruptions: o.interruptions?.[language] ?? DEFAULT_INTERRUPTIONS[language],
    fillers: o.fillers?.[language] ?? DEFAULT_FILLERS[language],
  };
}
