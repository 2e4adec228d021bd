/**
 * Splitting a reply into the pieces a remote TTS takes per request. F5's socket server reads one
 * request with a single `recv(1024)`, so a piece must stay under that many UTF-8 bytes.
 */

const encoder = new TextEncoder();
const byteLength = (s: string): number => encoder.encode(s).length;

/** Sentences (kept with their punctuation), each cut at word boundaries to at most `maxBytes` UTF-8 bytes. */
export function splitForRequests(text: string, maxBytes = Infinity): string[] {
  const clean = text.replace(/\s+/g, " ").trim();
  if (clean === "") return [];
  const sentences = clean.match(/[^.!?…]+(?:[.!?…]+["')\]]*|$)\s*/g) ?? [clean];
  const out: string[] = [];
  for (const raw of sentences) {
    const sentence = raw.trim();
    if (sentence === "") continue;
    if (byteLength(sentence) <= maxBytes) {
      out.push(sentence);
      continue;
    }
    let piece = "";
    for (const word of sentence.split(" ")) {
      const next = piece ? `${piece} ${word}` : word;
      if (byteLength(next) <= maxBytes) {
        piece = next;
        continue;
      }
      if (piece) out.push(piece);
      piece = byteLength(word) <= maxBytes ? word : truncateBytes(word, maxBytes);
    }
    if (piece) out.push(piece);
  }
  return out;
}

function truncateBytes(word: string, maxBytes: number): string {
  let out = "";
  for (const ch of word) {
    if (byteLength(out + ch) > maxBytes) break;
    out += ch;
  }
  return out;
}
