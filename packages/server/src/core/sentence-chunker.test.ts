import { describe, expect, it } from "vitest";
import { chunkSentences } from "./sentence-chunker.js";
import type { ChunkOptions } from "./sentence-chunker.js";

async function* stream(tokens: readonly string[]): AsyncGenerator<string> {
  for (const token of tokens) yield token;
}

async function collect(chunks: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const chunk of chunks) out.push(chunk);
  return out;
}

const byChar = (text: string): string[] => [...text];
const byWord = (text: string): string[] => text.match(/\s*\S+/g) ?? [];
const whole = (text: string): string[] => [text];

/** Chunks must not depend on how the model happened to split its tokens. */
async function chunksOf(text: string, opts?: ChunkOptions): Promise<string[]> {
  const results = await Promise.all([byChar, byWord, whole].map((split) => collect(chunkSentences(stream(split(text)), opts))));
  expect(results[1]).toEqual(results[0]);
  expect(results[2]).toEqual(results[0]);
  return results[0] ?? [];
}

const noEarlyComma: ChunkOptions = { firstChunkMinChars: 1_000 };

describe("chunkSentences", () => {
  it("splits on . ! ? and keeps each sentence whole", async () => {
    expect(await chunksOf("Hello there. How are you? I am fine! Really.")).toEqual([
      "Hello there.",
      "How are you?",
      "I am fine!",
      "Really.",
    ]);
  });

  it("does not end a sentence at abbreviations, initials or decimals", async () => {
    const text = "Mr. Smith met Dr. J. Jones at 3.5 km from here, e.g. near the lake. Then they left.";
    expect(await chunksOf(text, noEarlyComma)).toEqual([
      "Mr. Smith met Dr. J. Jones at 3.5 km from here, e.g. near the lake.",
      "Then they left.",
    ]);
    expect(await chunksOf("Dhr. de Vries woont op nr. 5, bijv. daar. Het is 3,5 km.", noEarlyComma)).toEqual([
      "Dhr. de Vries woont op nr. 5, bijv. daar.",
      "Het is 3,5 km.",
    ]);
  });

  it("ends at etc. only when a capital follows", async () => {
    expect(await chunksOf("Cats, dogs, etc. are fine. We had cats, dogs, etc. Then we moved.", noEarlyComma)).toEqual([
      "Cats, dogs, etc. are fine.",
      "We had cats, dogs, etc.",
      "Then we moved.",
    ]);
  });

  it("treats an ellipsis as an end only before a new sentence", async () => {
    expect(await chunksOf("I was... thinking. Wait… What?", noEarlyComma)).toEqual(["I was... thinking.", "Wait…", "What?"]);
  });

  it("keeps closing quotes and brackets with their sentence", async () => {
    expect(await chunksOf('He said "hi." Then (quietly.) he left.')).toEqual(['He said "hi."', "Then (quietly.)", "he left."]);
  });

  it("cuts the first chunk at a comma once it is long enough, later ones only at sentence ends", async () => {
    const text = "Well, I have been thinking about you all day, and I wonder what you see. Later on, with a comma, it stays whole.";
    expect(await chunksOf(text)).toEqual([
      "Well, I have been thinking about you all day,",
      "and I wonder what you see.",
      "Later on, with a comma, it stays whole.",
    ]);
  });

  it("does not cut the first chunk at a comma before firstChunkMinChars", async () => {
    expect(await chunksOf("Yes, I know. And you?", { firstChunkMinChars: 25 })).toEqual(["Yes, I know.", "And you?"]);
  });

  it("splits a long sentence at ; or : but not a short one", async () => {
    const long = "I remember the lake where we sailed every summer with our father; the water was always cold. Short: fine.";
    expect(await chunksOf(long, noEarlyComma)).toEqual([
      "I remember the lake where we sailed every summer with our father;",
      "the water was always cold.",
      "Short: fine.",
    ]);
  });

  it("cuts runs without punctuation at a word boundary, first at firstChunkMaxChars then at maxChars", async () => {
    const words = Array.from({ length: 80 }, (_, i) => `word${i}`).join(" ");
    const chunks = await chunksOf(words, { firstChunkMaxChars: 40, maxChars: 100 });
    expect(chunks[0]?.length).toBeLessThanOrEqual(40);
    for (const chunk of chunks.slice(1)) expect(chunk.length).toBeLessThanOrEqual(100);
    expect(chunks.join(" ")).toBe(words);
  });

  it("prefers a clause break over a word break when it must cut", async () => {
    const text = "one two three four five six seven, eight nine ten eleven twelve thirteen fourteen fifteen";
    expect((await chunksOf(text, { firstChunkMinChars: 1_000, firstChunkMaxChars: 50 }))[0]).toBe("one two three four five six seven,");
  });

  it("flushes the rest at the end, trimmed, with whitespace collapsed", async () => {
    expect(await chunksOf("  First one.   And then\n  the   rest without a stop  ")).toEqual(["First one.", "And then", "the rest without a stop"]);
  });

  it("skips chunks with nothing to say and markdown marks", async () => {
    expect(await chunksOf("**Hello** there.\n\n...\n## Next\n- *one* thing.")).toEqual(["Hello there.", "Next", "- one thing."]);
    expect(await chunksOf("   ")).toEqual([]);
    expect(await chunksOf("")).toEqual([]);
  });

  it("emits the first sentence before the stream ends", async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    async function* slowModel(): AsyncGenerator<string> {
      yield "Hello.";
      yield " How";
      await held;
      yield " are you?";
    }
    const iterator = chunkSentences(slowModel())[Symbol.asyncIterator]();
    expect(await iterator.next()).toEqual({ done: false, value: "Hello." });
    release();
    expect(await iterator.next()).toEqual({ done: false, value: "How are you?" });
    expect((await iterator.next()).done).toBe(true);
  });

  it("closes the token stream when the consumer stops early (barge-in)", async () => {
    let closed = false;
    let produced = 0;
    async function* model(): AsyncGenerator<string> {
      try {
        for (const token of byWord("One. Two. Three. Four.")) {
          produced++;
          yield token;
        }
      } finally {
        closed = true;
      }
    }
    for await (const chunk of chunkSentences(model())) {
      expect(chunk).toBe("One.");
      break;
    }
    expect(closed).toBe(true);
    expect(produced).toBeLessThan(4);
  });
});
