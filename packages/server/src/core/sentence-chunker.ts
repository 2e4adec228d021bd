export interface ChunkOptions {
  /** The first chunk may end at a comma (, ; : —) once it is this long, so the first audio starts sooner. */
  firstChunkMinChars?: number;
  /** The first chunk is cut at a clause or word boundary when no sentence ended by this length. */
  firstChunkMaxChars?: number;
  /** Later chunks are cut at a clause or word boundary past this length. */
  maxChars?: number;
  /** A sentence this long may also end at ; or : (shorter ones stay whole for better prosody). */
  clauseSplitMinChars?: number;
}

const DEFAULTS: Required<ChunkOptions> = {
  firstChunkMinChars: 25,
  firstChunkMaxChars: 80,
  maxChars: 220,
  clauseSplitMinChars: 60,
};

const SENTENCE_ENDS = new Set([".", "!", "?", "…"]);
const CLOSERS = new Set(['"', "'", ")", "]", "”", "’", "»"]);
const FIRST_CHUNK_BREAKS = new Set([",", ";", ":", "—", "–"]);
/** Never end a sentence: "Mr. Smith", "e.g. this", "bijv. dat". */
const ALWAYS_FOLLOWED = new Set([
  "mr", "mrs", "ms", "dr", "prof", "st", "vs", "e.g", "i.e", "cf", "approx", "dhr", "mevr", "bijv", "o.a",
  "d.w.z", "m.a.w", "ca", "blz", "evt", "resp",
]);
/** End a sentence only when a capital follows: "… and so on, etc. Then" vs "etc. and". */
const MAYBE_FINAL = new Set(["etc", "enz", "jr", "sr", "a.m", "p.m", "inc", "ltd", "bv", "nv"]);
/** Not a sentence end before a number: "No. 5", "nr. 3". */
const BEFORE_NUMBERS = new Set(["no", "nr", "nos", "vol", "fig", "p"]);

/** What follows the punctuation at an index decides whether a sentence ends there. */
type Verdict = "end" | "continue" | "wait";

/**
 * Turns an LLM token stream into speakable chunks for TTS: whole sentences, except that the first
 * chunk is kept short (it may end at a comma) so the first audio starts early. Abbreviations
 * ("Mr.", "e.g."), decimals ("3.5") and mid-sentence ellipses do not end a sentence. Chunks are
 * trimmed with whitespace collapsed; chunks with nothing to say are skipped. Stopping early
 * (return/break) closes the token stream too.
 */
export async function* chunkSentences(deltas: AsyncIterable<string>, opts: ChunkOptions = {}): AsyncGenerator<string> {
  const options = { ...DEFAULTS, ...opts };
  let buffer = "";
  let first = true;

  function* drain(final: boolean): Generator<string> {
    for (let cut = findCut(buffer, first, final, options); cut !== undefined; cut = findCut(buffer, first, final, options)) {
      const chunk = tidy(buffer.slice(0, cut));
      buffer = buffer.slice(cut);
      if (isSpeakable(chunk)) {
        first = false;
        yield chunk;
      }
    }
  }

  for await (const delta of deltas) {
    buffer += delta;
    yield* drain(false);
  }
  yield* drain(true);
  const rest = tidy(buffer);
  buffer = "";
  if (isSpeakable(rest)) yield rest;
}

/** Where the next chunk ends (exclusive), or undefined when the buffer cannot be cut yet. */
function findCut(buffer: string, first: boolean, final: boolean, options: Required<ChunkOptions>): number | undefined {
  for (let i = 0; i < buffer.length; i++) {
    const ch = buffer.charAt(i);
    if (ch === "\n") {
      if (i > 0) return i + 1;
      continue;
    }
    if (SENTENCE_ENDS.has(ch)) {
      let end = i + 1;
      while (end < buffer.length && SENTENCE_ENDS.has(buffer.charAt(end))) end++;
      const punctuation = buffer.slice(i, end);
      while (end < buffer.length && CLOSERS.has(buffer.charAt(end))) end++;
      const verdict = sentenceEnds(buffer, i, punctuation, end, final);
      if (verdict === "end") return end;
      if (verdict === "wait") return undefined;
      i = end - 1;
      continue;
    }
    const followedBySpace = /\s/.test(buffer.charAt(i + 1));
    if (first && FIRST_CHUNK_BREAKS.has(ch) && followedBySpace && i + 1 >= options.firstChunkMinChars) return i + 1;
    if ((ch === ";" || ch === ":") && followedBySpace && i + 1 >= options.clauseSplitMinChars) return i + 1;
  }
  const limit = first ? options.firstChunkMaxChars : options.maxChars;
  return buffer.length > limit ? forcedCut(buffer, limit) : undefined;
}

function sentenceEnds(buffer: string, at: number, punctuation: string, after: number, final: boolean): Verdict {
  if (after >= buffer.length) return final ? "end" : "wait";
  // "3.5", "e.g.x", "Hello!Bye": punctuation inside a token never ends a sentence
  if (!/\s/.test(buffer.charAt(after))) return "continue";
  const isEllipsis = punctuation === "…" || punctuation.startsWith("..");
  if (!isEllipsis && punctuation !== ".") return "end";

  const word = wordBefore(buffer, at);
  const lower = word.toLowerCase();
  if (!isEllipsis && (ALWAYS_FOLLOWED.has(lower) || /^\p{Lu}$/u.test(word))) return "continue";
  const dependsOnNext = isEllipsis || BEFORE_NUMBERS.has(lower) || MAYBE_FINAL.has(lower) || lower.includes(".");
  if (!dependsOnNext) return "end";

  // only these need to see the next word: wait for it unless the stream is over
  const next = nextVisibleChar(buffer, after);
  if (next === undefined) return final ? "end" : "wait";
  if (isEllipsis) return isLowerCase(next) ? "continue" : "end";
  if (BEFORE_NUMBERS.has(lower)) return /\d/.test(next) ? "continue" : "end";
  return isUpperCase(next) ? "end" : "continue";
}

/** The token before a period: letters, digits and inner periods ("e.g" in "e.g."). */
function wordBefore(buffer: string, at: number): string {
  let start = at;
  while (start > 0 && /[\p{L}\p{N}.]/u.test(buffer.charAt(start - 1))) start--;
  return buffer.slice(start, at);
}

function nextVisibleChar(buffer: string, from: number): string | undefined {
  const match = /\S/.exec(buffer.slice(from));
  return match?.[0];
}

function isLowerCase(ch: string): boolean {
  return ch !== ch.toUpperCase() && ch === ch.toLowerCase();
}

function isUpperCase(ch: string): boolean {
  return ch !== ch.toLowerCase() && ch === ch.toUpperCase();
}

/** No sentence ended in time: cut at the last clause break before the limit, else the last space. */
function forcedCut(buffer: string, limit: number): number {
  const head = buffer.slice(0, limit);
  const clause = Math.max(...[",", ";", ":", "—", "–"].map((mark) => head.lastIndexOf(`${mark} `)));
  if (clause > 0) return clause + 1;
  const space = head.search(/\s\S*$/);
  return space > 0 ? space : limit;
}

function tidy(chunk: string): string {
  // markdown emphasis and headings are not meant to be read aloud
  return chunk
    .replace(/[*`]+/g, "")
    .replace(/^\s*#+\s*/, "")
    .replace(/\s+/g, " ")
    .trim();
}

function isSpeakable(chunk: string): boolean {
  return /[\p{L}\p{N}]/u.test(chunk);
}
