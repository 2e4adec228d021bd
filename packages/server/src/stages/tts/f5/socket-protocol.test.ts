import { describe, expect, it } from "vitest";
import { F5ReplyDecoder, encodeF5Audio } from "./socket-protocol.js";

const audio = Float32Array.from({ length: 2048 * 2 + 5 }, (_, i) => Math.sin(i / 7) * 0.5);
const wire = (pcm: Float32Array) => Buffer.concat([encodeF5Audio(pcm), Buffer.from("END")]);

/** Feeds `bytes` cut at the given offsets; returns the audio and whether END was seen (and where). */
function decode(bytes: Uint8Array, cuts: number[]) {
  const d = new F5ReplyDecoder();
  const parts: Float32Array[] = [];
  let doneAt = -1;
  let prev = 0;
  for (const [i, cut] of [...cuts, bytes.length].entries()) {
    const r = d.push(bytes.subarray(prev, cut));
    prev = cut;
    parts.push(r.audio);
    if (r.done && doneAt < 0) doneAt = i;
  }
  const pcm = Float32Array.from(parts.flatMap((p) => Array.from(p)));
  return { pcm, doneAt, parts: cuts.length + 1 };
}

describe("F5 socket reply framing", () => {
  const bytes = wire(audio);
  const n = bytes.length;

  it("END in its own read", () => {
    const r = decode(bytes, [n - 3]);
    expect(r.doneAt).toBe(1);
    expect(r.pcm).toEqual(audio);
  });

  it("END glued to the last audio bytes", () => {
    const r = decode(bytes, [8192]);
    expect(r.doneAt).toBe(1);
    expect(r.pcm).toEqual(audio);
  });

  it("END split over two reads, and a float split before it", () => {
    for (const cuts of [[n - 2], [n - 1], [n - 5, n - 2], [n - 4 - 2, n - 1]]) {
      const r = decode(bytes, cuts);
      expect(r.doneAt).toBe(r.parts - 1);
      expect(r.pcm).toEqual(audio);
    }
  });

  it("byte by byte: same audio, END only at the very end", () => {
    const r = decode(bytes, Array.from({ length: n - 1 }, (_, i) => i + 1));
    expect(r.doneAt).toBe(n - 1);
    expect(r.pcm).toEqual(audio);
  });

  it("audio whose bytes contain E, N, D off the float grid is not mistaken for the end", () => {
    // 0x44 0x4e 0x45 ... spelled inside floats at unaligned offsets
    const tricky = new Uint8Array(16);
    tricky.set([0x00, 0x45, 0x4e, 0x44, 0x3e, 0x45, 0x4e, 0x44, 0x00, 0x00, 0x80, 0x3e, 0x00, 0x45, 0x4e, 0x44]);
    const d = new F5ReplyDecoder();
    for (const cut of [4, 8, 12]) expect(d.push(tricky.subarray(cut - 4, cut)).done).toBe(false);
    expect(d.push(tricky.subarray(12, 16)).done).toBe(false);
    expect(d.push(new TextEncoder().encode("END")).done).toBe(true);
  });

  it("an empty reply is just END", () => {
    const d = new F5ReplyDecoder();
    const r = d.push(new TextEncoder().encode("END"));
    expect(r).toEqual({ audio: new Float32Array(0), done: true });
  });
});
