import { writeFileSync } from "node:fs";
import { seededRandom } from "../../core/clock.js";

/**
 * Writes a tiny but valid GGUF (v3) llama model with random weights and a word-level SentencePiece
 * vocabulary, so node-llama-cpp can load it and really generate with it in tests (in milliseconds).
 * What it says is word salad drawn from `words`; that is enough to prove the in-process path:
 * load once, stream tokens, stop on abort.
 */
export interface TinyGgufOptions {
  /** whole words the model may say (each becomes "▁word"); default: common English words */
  words?: readonly string[];
  embedding?: number;
  heads?: number;
  layers?: number;
  feedForward?: number;
  contextLength?: number;
  seed?: number;
}

export const TINY_WORDS = [
  "the", "you", "your", "i", "are", "and", "what", "do", "to", "a", "of", "that", "it", "me", "my", "so", "why",
  "how", "with", "love", "hello", "lake", "face", "voice", "mirror", "sailing", "father", "who", "we", "see",
] as const;

const GGUF_MAGIC = 0x46554747; // "GGUF" little-endian
const ALIGN = 32;
enum T {
  U32 = 4,
  I32 = 5,
  F32 = 6,
  STRING = 8,
  ARRAY = 9,
}
/** dims in ggml order (innermost first); fill gets the flat index */
interface Tensor {
  name: string;
  dims: number[];
  fill: (index: number) => number;
}
type Meta = [string, T.U32 | T.I32 | T.F32, number] | [string, T.STRING, string] | [string, T.ARRAY, T.STRING | T.F32 | T.I32, ReadonlyArray<string | number>];

class Writer {
  private chunks: Buffer[] = [];
  length = 0;
  private push(b: Buffer): void {
    this.chunks.push(b);
    this.length += b.length;
  }
  u32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    this.push(b);
  }
  i32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeInt32LE(v);
    this.push(b);
  }
  u64(v: number): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(v));
    this.push(b);
  }
  f32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeFloatLE(v);
    this.push(b);
  }
  str(s: string): void {
    const bytes = Buffer.from(s, "utf8");
    this.u64(bytes.length);
    this.push(bytes);
  }
  bytes(b: Buffer): void {
    this.push(b);
  }
  pad(): void {
    const rest = this.length % ALIGN;
    if (rest !== 0) this.push(Buffer.alloc(ALIGN - rest));
  }
  done(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

function scalar(w: Writer, type: T, value: string | number): void {
  if (type === T.U32) w.u32(value as number);
  else if (type === T.I32) w.i32(value as number);
  else if (type === T.F32) w.f32(value as number);
  else w.str(value as string);
}

/** The GGUF bytes of a tiny random llama model. */
export function tinyGguf(opts: TinyGgufOptions = {}): Buffer {
  const nEmbd = opts.embedding ?? 32;
  const nHead = opts.heads ?? 2;
  const nLayer = opts.layers ?? 1;
  const nFf = opts.feedForward ?? 64;
  const random = seededRandom(opts.seed ?? 1);
  const small = (): number => (random() * 2 - 1) * 0.5;

  // SentencePiece vocabulary: <unk> <s> </s>, the 256 byte-fallback tokens, then whole words
  const tokens: string[] = ["<unk>", "<s>", "</s>"];
  const types: number[] = [2, 3, 3];
  for (let b = 0; b < 256; b++) {
    tokens.push(`<0x${b.toString(16).toUpperCase().padStart(2, "0")}>`);
    types.push(6);
  }
  for (const word of [...(opts.words ?? TINY_WORDS), ".", "?", ","]) {
    tokens.push(/^\p{L}/u.test(word) ? `▁${word}` : word);
    types.push(1);
  }
  const scores = tokens.map((_, i) => (types[i] === 1 ? -i / 100 : 0));
  const nVocab = tokens.length;

  const meta: Meta[] = [
    ["general.architecture", T.STRING, "llama"],
    ["general.name", T.STRING, "mirror-tiny-test"],
    ["general.alignment", T.U32, ALIGN],
    ["llama.context_length", T.U32, opts.contextLength ?? 4096],
    ["llama.embedding_length", T.U32, nEmbd],
    ["llama.block_count", T.U32, nLayer],
    ["llama.feed_forward_length", T.U32, nFf],
    ["llama.attention.head_count", T.U32, nHead],
    ["llama.attention.head_count_kv", T.U32, nHead],
    ["llama.rope.dimension_count", T.U32, nEmbd / nHead],
    ["llama.attention.layer_norm_rms_epsilon", T.F32, 1e-5],
    ["tokenizer.ggml.model", T.STRING, "llama"],
    ["tokenizer.ggml.tokens", T.ARRAY, T.STRING, tokens],
    ["tokenizer.ggml.scores", T.ARRAY, T.F32, scores],
    ["tokenizer.ggml.token_type", T.ARRAY, T.I32, types],
    ["tokenizer.ggml.unknown_token_id", T.U32, 0],
    ["tokenizer.ggml.bos_token_id", T.U32, 1],
    ["tokenizer.ggml.eos_token_id", T.U32, 2],
  ];

  // Dimension 0 of the residual stream is a constant (every embedding has it, no layer writes it), and the
  // output rows of words read it positively, those of bytes and special tokens negatively: the model only
  // ever says words, whatever the random rest of it does.
  const isWord = (token: number): boolean => types[token] === 1;
  const tensors: Tensor[] = [
    { name: "token_embd.weight", dims: [nEmbd, nVocab], fill: (i) => (i % nEmbd === 0 ? 4 : small()) },
    { name: "output_norm.weight", dims: [nEmbd], fill: () => 1 },
    { name: "output.weight", dims: [nEmbd, nVocab], fill: (i) => (i % nEmbd === 0 ? (isWord(Math.floor(i / nEmbd)) ? 1 : -4) : small() * 4) },
  ];
  for (let l = 0; l < nLayer; l++) {
    tensors.push(
      { name: `blk.${l}.attn_norm.weight`, dims: [nEmbd], fill: () => 1 },
      { name: `blk.${l}.attn_q.weight`, dims: [nEmbd, nEmbd], fill: small },
      { name: `blk.${l}.attn_k.weight`, dims: [nEmbd, nEmbd], fill: small },
      { name: `blk.${l}.attn_v.weight`, dims: [nEmbd, nEmbd], fill: small },
      // rows are outputs: output 0 (the constant dimension) stays untouched
      { name: `blk.${l}.attn_output.weight`, dims: [nEmbd, nEmbd], fill: (i) => (i < nEmbd ? 0 : small()) },
      { name: `blk.${l}.ffn_norm.weight`, dims: [nEmbd], fill: () => 1 },
      { name: `blk.${l}.ffn_gate.weight`, dims: [nEmbd, nFf], fill: small },
      { name: `blk.${l}.ffn_up.weight`, dims: [nEmbd, nFf], fill: small },
      { name: `blk.${l}.ffn_down.weight`, dims: [nFf, nEmbd], fill: (i) => (i < nFf ? 0 : small()) },
    );
  }

  const w = new Writer();
  w.u32(GGUF_MAGIC);
  w.u32(3);
  w.u64(tensors.length);
  w.u64(meta.length);
  for (const m of meta) {
    w.str(m[0]);
    w.u32(m[1]);
    if (m[1] === T.ARRAY) {
      w.u32(m[2]);
      w.u64(m[3].length);
      for (const v of m[3]) scalar(w, m[2], v);
    } else scalar(w, m[1], m[2]);
  }
  const data: Buffer[] = [];
  let offset = 0;
  for (const t of tensors) {
    const count = t.dims.reduce((a, b) => a * b, 1);
    const values = new Float32Array(count);
    for (let i = 0; i < count; i++) values[i] = t.fill(i);
    const bytes = Buffer.from(values.buffer);
    const padded = Buffer.alloc(Math.ceil(bytes.length / ALIGN) * ALIGN);
    bytes.copy(padded);
    w.str(t.name);
    w.u32(t.dims.length);
    for (const d of t.dims) w.u64(d);
    w.u32(0); // GGML_TYPE_F32
    w.u64(offset);
    offset += padded.length;
    data.push(padded);
  }
  w.pad();
  for (const d of data) w.bytes(d);
  return w.done();
}

/** Writes the tiny model to `path` and returns the path. */
export function writeTinyGguf(path: string, opts: TinyGgufOptions = {}): string {
  writeFileSync(path, tinyGguf(opts));
  return path;
}
