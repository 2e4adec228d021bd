import { writeFileSync } from "node:fs";
import { seededRandom } from "../../core/clock.js";

/**
 * A tiny random-weight Whisper in whisper.cpp's ggml file format (the layout `whisper_model_load` reads: magic,
 * hyper-parameters, mel filters, vocabulary, then named tensors), so the real prebuilt whisper.cpp binary loads it
 * and runs its whole encoder/decoder on real audio without a download. Full Whisper architecture (convolution stem,
 * encoder and decoder blocks with cross-attention), but 16 wide instead of 384: the text it writes is nonsense, by
 * design, and made only of this file's vocabulary (lower-case pseudo-words), which is how a test can tell it came
 * from the model.
 */

export interface TinyGgmlWhisperOptions {
  /** hidden size (Whisper tiny: 384) */
  state?: number;
  heads?: number;
  /** encoder and decoder blocks (4 makes whisper.cpp call it "tiny") */
  layers?: number;
  seed?: number;
  /**
   * Leaves out the lone-space token whisper.cpp looks up while decoding: the model loads, but every transcription
   * throws inside whisper.cpp (a fault to test against, see whisper-cpp.test.ts).
   */
  withoutSpaceToken?: boolean;
}

const GGML_MAGIC = 0x67676d6c;
const N_MELS = 80;
const N_FFT_BINS = 201; // Whisper's 400-point FFT
const AUDIO_CTX = 1500; // 30 s of 10 ms mel frames after the stride-2 convolution
const TEXT_CTX = 448;
const TEXT_TOKENS = 50_257; // the file's vocabulary; whisper.cpp adds the special tokens up to n_vocab
const N_VOCAB = 51_865; // multilingual (so both "en" and "nl" are accepted)

/** GPT-2's lone space, which whisper.cpp looks up by text (it suppresses a blank start) and must exist. */
const SPACE_TOKEN = 220;

/** The pseudo-word every text token id stands for: " " + the id in base 26 letters ("a", "b", … "ba", …). */
export function tinyGgmlToken(id: number): string {
  if (id === SPACE_TOKEN) return " ";
  let s = "";
  let n = id;
  do {
    s = String.fromCharCode(97 + (n % 26)) + s;
    n = Math.floor(n / 26);
  } while (n > 0);
  return ` ${s}`;
}

class Writer {
  private readonly parts: Buffer[] = [];
  i32(...values: number[]): void {
    const b = Buffer.alloc(4 * values.length);
    values.forEach((v, i) => b.writeInt32LE(v, 4 * i));
    this.parts.push(b);
  }
  bytes(b: Uint8Array): void {
    this.parts.push(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
  }
  floats(f: Float32Array): void {
    const b = Buffer.alloc(4 * f.length);
    f.forEach((v, i) => b.writeFloatLE(v, 4 * i));
    this.parts.push(b);
  }
  /** One tensor: dims (fastest first, as ggml's ne[]), name, type 0 = F32, then the data. */
  tensor(name: string, ne: number[], data: Float32Array): void {
    const nameBytes = Buffer.from(name, "utf8");
    this.i32(ne.length, nameBytes.length, 0, ...ne);
    this.bytes(nameBytes);
    this.floats(data);
  }
  done(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** librosa's Slaney mel filterbank for 16 kHz, 400-point FFT, 80 bands (what Whisper's feature extractor uses). */
function melFilters(): Float32Array {
  const sr = 16_000;
  const hzToMel = (hz: number) => (hz < 1000 ? hz / (200 / 3) : 15 + Math.log(hz / 1000) / (Math.log(6.4) / 27));
  const melToHz = (m: number) => (m < 15 ? m * (200 / 3) : 1000 * Math.exp((Math.log(6.4) / 27) * (m - 15)));
  const top = hzToMel(sr / 2);
  const edges = Array.from({ length: N_MELS + 2 }, (_, i) => melToHz((top * i) / (N_MELS + 1)));
  const out = new Float32Array(N_MELS * N_FFT_BINS);
  for (let m = 0; m < N_MELS; m++) {
    const [lo, mid, hi] = [edges[m] ?? 0, edges[m + 1] ?? 0, edges[m + 2] ?? 0];
    const norm = 2 / (hi - lo);
    for (let k = 0; k < N_FFT_BINS; k++) {
      const hz = (k * sr) / 400;
      const w = Math.max(0, Math.min((hz - lo) / (mid - lo), (hi - hz) / (hi - mid)));
      out[m * N_FFT_BINS + k] = w * norm;
    }
  }
  return out;
}

/** Writes the model to `path` and returns its size in bytes. */
export function writeTinyGgmlWhisper(path: string, o: TinyGgmlWhisperOptions = {}): number {
  const d = o.state ?? 16;
  const layers = o.layers ?? 4;
  const rand = seededRandom(o.seed ?? 7);
  const random = (n: number, scale: number) => Float32Array.from({ length: n }, () => (rand() * 2 - 1) * scale);
  const ones = (n: number) => new Float32Array(n).fill(1);
  const zeros = (n: number) => new Float32Array(n);
  const matrix = (inDim: number, outDim: number) => random(inDim * outDim, 1 / Math.sqrt(inDim));

  const w = new Writer();
  w.i32(GGML_MAGIC);
  w.i32(N_VOCAB, AUDIO_CTX, d, o.heads ?? 2, layers, TEXT_CTX, d, o.heads ?? 2, layers, N_MELS, 0 /* ftype F32 */);
  w.i32(N_MELS, N_FFT_BINS);
  w.floats(melFilters());
  w.i32(TEXT_TOKENS);
  for (let id = 0; id < TEXT_TOKENS; id++) {
    const token = Buffer.from(id === SPACE_TOKEN && o.withoutSpaceToken ? " <no space>" : tinyGgmlToken(id), "utf8");
    w.i32(token.length);
    w.bytes(token);
  }

  const block = (prefix: string, withCross: boolean) => {
    const attention = (kind: string) => {
      w.tensor(`${prefix}.${kind}_ln.weight`, [d], ones(d));
      w.tensor(`${prefix}.${kind}_ln.bias`, [d], zeros(d));
      w.tensor(`${prefix}.${kind}.query.weight`, [d, d], matrix(d, d));
      w.tensor(`${prefix}.${kind}.query.bias`, [d], zeros(d));
      w.tensor(`${prefix}.${kind}.key.weight`, [d, d], matrix(d, d));
      w.tensor(`${prefix}.${kind}.value.weight`, [d, d], matrix(d, d));
      w.tensor(`${prefix}.${kind}.value.bias`, [d], zeros(d));
      w.tensor(`${prefix}.${kind}.out.weight`, [d, d], matrix(d, d));
      w.tensor(`${prefix}.${kind}.out.bias`, [d], zeros(d));
    };
    attention("attn");
    if (withCross) attention("cross_attn");
    w.tensor(`${prefix}.mlp_ln.weight`, [d], ones(d));
    w.tensor(`${prefix}.mlp_ln.bias`, [d], zeros(d));
    w.tensor(`${prefix}.mlp.0.weight`, [d, 4 * d], matrix(d, 4 * d));
    w.tensor(`${prefix}.mlp.0.bias`, [4 * d], zeros(4 * d));
    w.tensor(`${prefix}.mlp.2.weight`, [4 * d, d], matrix(4 * d, d));
    w.tensor(`${prefix}.mlp.2.bias`, [d], zeros(d));
  };

  w.tensor("encoder.positional_embedding", [d, AUDIO_CTX], random(d * AUDIO_CTX, 0.1));
  w.tensor("encoder.conv1.weight", [3, N_MELS, d], random(3 * N_MELS * d, 1 / Math.sqrt(3 * N_MELS)));
  w.tensor("encoder.conv1.bias", [1, d], zeros(d));
  w.tensor("encoder.conv2.weight", [3, d, d], random(3 * d * d, 1 / Math.sqrt(3 * d)));
  w.tensor("encoder.conv2.bias", [1, d], zeros(d));
  for (let i = 0; i < layers; i++) block(`encoder.blocks.${i}`, false);
  w.tensor("encoder.ln_post.weight", [d], ones(d));
  w.tensor("encoder.ln_post.bias", [d], zeros(d));

  w.tensor("decoder.positional_embedding", [d, TEXT_CTX], random(d * TEXT_CTX, 0.1));
  w.tensor("decoder.token_embedding.weight", [d, N_VOCAB], random(d * N_VOCAB, 0.5));
  for (let i = 0; i < layers; i++) block(`decoder.blocks.${i}`, true);
  w.tensor("decoder.ln.weight", [d], ones(d));
  w.tensor("decoder.ln.bias", [d], zeros(d));

  const file = w.done();
  writeFileSync(path, file);
  return file.length;
}
