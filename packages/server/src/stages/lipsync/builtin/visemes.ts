/**
 * Phoneme → viseme tables for espeak mnemonics (en, nl), ARPAbet and basic IPA.
 * The viseme set is the 15 of Oculus/Meta lip-sync plus schwa and h (which mostly borrow their
 * neighbours' shape).
 */
import type { PhonemeAlphabet } from "../../../core/contracts/tts.js";

export const VISEMES = ["sil", "PP", "FF", "TH", "DD", "kk", "CH", "SS", "nn", "RR", "aa", "E", "ih", "oh", "ou", "schwa", "hh"] as const;
export type Viseme = (typeof VISEMES)[number];

/** A phoneme's visemes: one, or two for diphthongs (the second takes the later part). */
export type VisemeSequence = readonly [Viseme] | readonly [Viseme, Viseme];

const one = (v: Viseme): VisemeSequence => [v];
const two = (a: Viseme, b: Viseme): VisemeSequence => [a, b];

/** Consonants shared by espeak and (lower-cased) ARPAbet-like spellings. */
const ESPEAK_CONSONANTS: Record<string, Viseme> = {
  p: "PP", b: "PP", m: "PP",
  f: "FF", v: "FF", "v#": "FF", w: "ou", "w#": "ou",
  T: "TH", D: "TH",
  t: "DD", d: "DD", "t#": "DD", "d#": "DD", "?": "DD",
  k: "kk", g: "kk", G: "kk", x: "kk", N: "kk", "n^": "nn", c: "kk", Q: "kk",
  tS: "CH", dZ: "CH", S: "CH", Z: "CH", "S;": "CH", "Z;": "CH",
  s: "SS", z: "SS", "s;": "SS", "z;": "SS",
  n: "nn", l: "nn", "l/": "nn", "l#": "nn", L: "nn", j: "ih", J: "nn", "l^": "nn",
  r: "RR", "r-": "RR", "*": "DD", R: "RR", "r/": "RR", "@r": "RR", "3:r": "RR",
  h: "hh", "h#": "hh", "C": "kk",
};

/** Vowels by their first letters, after stress and length marks are stripped. */
const ESPEAK_VOWELS: Record<string, VisemeSequence> = {
  a: one("aa"), "a#": one("aa"), A: one("aa"), aa: one("aa"), "A@": one("aa"), "a:": one("aa"),
  "@": one("schwa"), "@-": one("schwa"), "@2": one("schwa"), "@5": one("schwa"), "@L": two("schwa", "nn"), "@r": one("RR"), V: one("E"),
  "3": one("RR"), "3:": one("RR"),
  e: one("E"), E: one("E"), "E2": one("E"), "E:": one("E"), "e@": two("E", "schwa"), "E@": two("E", "schwa"),
  i: one("ih"), I: one("ih"), "I#": one("ih"), I2: one("ih"), "i@": two("ih", "schwa"), "i@3": two("ih", "schwa"), y: one("ou"), Y: one("ou"),
  "0": one("oh"), O: one("oh"), "O:": one("oh"), "O@": two("oh", "schwa"), O2: one("oh"), o: one("oh"), "o@": two("oh", "schwa"),
  u: one("ou"), U: one("ou"), "u:": one("ou"), "U@": two("ou", "schwa"),
  "2": one("ou"), "2:": one("ou"), "9": one("oh"), "9y": two("oh", "ou"),
  aI: two("aa", "ih"), aU: two("aa", "ou"), oU: two("oh", "ou"), eI: two("E", "ih"), OI: two("oh", "ih"), Ei: two("E", "ih"), EI: two("E", "ih"),
  Au: two("aa", "ou"), "aI@": two("aa", "schwa"), "aU@": two("aa", "schwa"), "a:I": two("aa", "ih"), "o:I": two("oh", "ih"), ui: two("ou", "ih"),
};

const ARPABET: Record<string, VisemeSequence> = {
  AA: one("aa"), AE: one("aa"), AH: one("schwa"), AO: one("oh"), AW: two("aa", "ou"), AY: two("aa", "ih"), AX: one("schwa"), AXR: one("RR"),
  EH: one("E"), ER: one("RR"), EY: two("E", "ih"), IH: one("ih"), IY: one("ih"), IX: one("ih"), OW: two("oh", "ou"), OY: two("oh", "ih"),
  UH: one("ou"), UW: one("ou"), UX: one("ou"),
  P: one("PP"), B: one("PP"), M: one("PP"), EM: one("PP"), F: one("FF"), V: one("FF"), TH: one("TH"), DH: one("TH"),
  T: one("DD"), D: one("DD"), DX: one("DD"), Q: one("DD"), K: one("kk"), G: one("kk"), NG: one("kk"), ENG: one("kk"),
  CH: one("CH"), JH: one("CH"), SH: one("CH"), ZH: one("CH"), S: one("SS"), Z: one("SS"),
  N: one("nn"), EN: one("nn"), L: one("nn"), EL: one("nn"), NX: one("nn"), R: one("RR"), W: one("ou"), WH: one("ou"), Y: one("ih"), HH: one("hh"), H: one("hh"),
  SIL: one("sil"), SP: one("sil"), PAU: one("sil"), SPN: one("sil"),
};

const IPA: Record<string, VisemeSequence> = {
  p: one("PP"), b: one("PP"), m: one("PP"), ɱ: one("FF"), f: one("FF"), v: one("FF"), ʋ: one("FF"), θ: one("TH"), ð: one("TH"),
  t: one("DD"), d: one("DD"), ɾ: one("DD"), ʔ: one("DD"), k: one("kk"), g: one("kk"), ɡ: one("kk"), ŋ: one("kk"), x: one("kk"), ɣ: one("kk"), χ: one("kk"),
  ʃ: one("CH"), ʒ: one("CH"), tʃ: one("CH"), dʒ: one("CH"), s: one("SS"), z: one("SS"),
  n: one("nn"), l: one("nn"), ɫ: one("nn"), ɲ: one("nn"), r: one("RR"), ɹ: one("RR"), ʁ: one("RR"), ɻ: one("RR"), w: one("ou"), j: one("ih"), h: one("hh"), ɦ: one("hh"),
  a: one("aa"), ɑ: one("aa"), æ: one("aa"), ɐ: one("schwa"), ʌ: one("E"), ə: one("schwa"), ɚ: one("RR"), ɜ: one("RR"), ɝ: one("RR"),
  e: one("E"), ɛ: one("E"), i: one("ih"), ɪ: one("ih"), y: one("ou"), ʏ: one("ou"), ø: one("ou"), œ: one("oh"),
  o: one("oh"), ɔ: one("oh"), ɒ: one("oh"), u: one("ou"), ʊ: one("ou"),
  aɪ: two("aa", "ih"), aʊ: two("aa", "ou"), eɪ: two("E", "ih"), oʊ: two("oh", "ou"), əʊ: two("schwa", "ou"), ɔɪ: two("oh", "ih"), ɛi: two("E", "ih"), œy: two("oh", "ou"), ʌu: two("E", "ou"),
};

const cache = new Map<string, VisemeSequence>();

/** The visemes of one phoneme label; unknown labels give "schwa" (a neutral, slightly open mouth). */
export function visemesFor(phoneme: string, alphabet: PhonemeAlphabet): VisemeSequence {
  const key = `${alphabet}:${phoneme}`;
  let v = cache.get(key);
  if (!v) {
    v = lookup(phoneme, alphabet);
    cache.set(key, v);
  }
  return v;
}

export function isSilence(phoneme: string, alphabet: PhonemeAlphabet): boolean {
  return visemesFor(phoneme, alphabet)[0] === "sil";
}

function lookup(phoneme: string, alphabet: PhonemeAlphabet): VisemeSequence {
  const raw = phoneme.trim();
  if (raw === "" || raw.startsWith("_") || raw === "||" || raw === "|" || raw === "sil" || raw === "pau") return one("sil");
  if (alphabet === "arpabet") {
    return ARPABET[raw.toUpperCase().replace(/[0-2]$/, "")] ?? one("schwa");
  }
  if (alphabet === "ipa") {
    const ipa = raw.replace(/ˈ|ˌ|ː|ˑ|\u0329|\u032F|\u0303|\u0361|‿|ʰ|ʲ|ʷ/gu, "");
    return IPA[ipa] ?? IPA[Array.from(ipa)[0] ?? ""] ?? one("schwa");
  }
  // espeak: drop stress marks; try the exact name, then without length/variant marks, then the first letter
  const name = raw.replace(/^['",%=]+/, "");
  const consonant = ESPEAK_CONSONANTS[name];
  if (consonant) return one(consonant);
  const vowel = ESPEAK_VOWELS[name] ?? ESPEAK_VOWELS[name.replace(/[:;#]+$/, "")] ?? ESPEAK_VOWELS[name.replace(/[0-9:;#-]+$/, "")];
  if (vowel) return vowel;
  const head = name.charAt(0);
  const c = ESPEAK_CONSONANTS[head];
  if (c) return one(c);
  return ESPEAK_VOWELS[head] ?? one("schwa");
}
