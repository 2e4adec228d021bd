/**
 * Pronunciations for words the dictionary lacks (a visitor's name): espeak-ng's IPA for the word, mapped to the CMU
 * phone set of the en-us acoustic model. One pronunciation per espeak voice asked for (en-us by default), so a
 * Dutch name can also be added as a Dutch speaker says it.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/** longest IPA sequences first */
const IPA_TO_CMU: ReadonlyArray<[string, string]> = [
  ["tʃ", "CH"], ["dʒ", "JH"], ["eɪ", "EY"], ["aɪ", "AY"], ["aʊ", "AW"], ["ɔɪ", "OY"], ["oʊ", "OW"], ["əʊ", "OW"],
  ["iə", "IY AH"], ["ɑː", "AA"], ["ɔː", "AO"], ["oː", "AO"], ["iː", "IY"], ["uː", "UW"], ["ɜː", "ER"], ["eː", "EY"],
  ["n̩", "AH N"], ["l̩", "AH L"], ["m̩", "AH M"],
  ["i", "IY"], ["ɪ", "IH"], ["ᵻ", "IH"], ["e", "EH"], ["ɛ", "EH"], ["æ", "AE"], ["a", "AA"], ["ɑ", "AA"], ["ɒ", "AA"],
  ["ɔ", "AO"], ["o", "OW"], ["ʊ", "UH"], ["u", "UW"], ["ʌ", "AH"], ["ə", "AH"], ["ɐ", "AH"], ["ɚ", "ER"], ["ɝ", "ER"],
  ["y", "UW"], ["ø", "ER"], ["œ", "ER"], ["ʏ", "UH"],
  ["p", "P"], ["b", "B"], ["t", "T"], ["d", "D"], ["k", "K"], ["ɡ", "G"], ["g", "G"], ["f", "F"], ["v", "V"],
  ["θ", "TH"], ["ð", "DH"], ["s", "S"], ["z", "Z"], ["ʃ", "SH"], ["ʒ", "ZH"], ["h", "HH"], ["ɦ", "HH"], ["x", "K"],
  ["ɣ", "G"], ["χ", "K"], ["m", "M"], ["n", "N"], ["ŋ", "NG"], ["l", "L"], ["ɫ", "L"], ["ɹ", "R"], ["r", "R"],
  ["ʀ", "R"], ["ʁ", "R"], ["w", "W"], ["ʋ", "V"], ["j", "Y"], ["ɾ", "T"], ["ʔ", "T"], ["c", "K"], ["ç", "HH"],
];

/** CMU phones ("JH AO R IH T") for an IPA string; unknown symbols are skipped. */
export function ipaToCmu(ipa: string): string {
  const out: string[] = [];
  let i = 0;
  while (i < ipa.length) {
    const hit = IPA_TO_CMU.find(([k]) => ipa.startsWith(k, i));
    if (hit) {
      out.push(hit[1]);
      i += hit[0].length;
    } else {
      i++; // stress and length marks, combining diacritics, spaces: no CMU counterpart
    }
  }
  return out.join(" ");
}

/** espeak-ng's pronunciation of `word` per voice, in CMU phones, duplicates removed. */
export async function pronounce(word: string, voices: readonly string[] = ["en-us"]): Promise<string[]> {
  const out = new Set<string>();
  for (const voice of voices) {
    const { stdout } = await run("espeak-ng", ["-v", voice, "-q", "--ipa", word], { timeout: 5000 });
    const phones = ipaToCmu(stdout.trim());
    if (phones) out.add(phones);
  }
  return [...out];
}
