import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { seededRandom } from "../../core/clock.js";
import { DataType, encodeModel, floatTensor, int64Tensor, type Graph, type ValueInfo } from "./onnx-writer.js";

/**
 * A tiny random-weight model with Whisper's file layout and ONNX interface (as exported for transformers.js:
 * config.json, generation_config.json, preprocessor_config.json, tokenizer.json, tokenizer_config.json,
 * onnx/encoder_model.onnx, onnx/decoder_model_merged.onnx with its past/present key-value cache), so the real
 * loading path, feature extraction, generation loop and decoding run end to end without a download.
 * The encoder is Whisper's convolution stem (two 3-wide convolutions, the second with stride 2, plus positions);
 * the decoder is a token embedding and output projection conditioned on the mean encoder state, not Whisper's
 * transformer layers. The weights are random: the text it writes is nonsense, by design.
 */

export interface TinyWhisperOptions {
  /** hidden size (Whisper tiny: 384) */
  dModel?: number;
  heads?: number;
  seed?: number;
}

const MEL_BINS = 80;
const MEL_FRAMES = 3000;
const ENCODER_POSITIONS = 1500;

/** Byte-level tokens 0–255 (GPT-2's byte→unicode table), then Whisper's special tokens in Whisper's order. */
const SPECIAL = ["<|endoftext|>", "<|startoftranscript|>", "<|en|>", "<|nl|>", "<|translate|>", "<|transcribe|>", "<|startoflm|>", "<|startofprev|>", "<|nocaptions|>", "<|notimestamps|>"] as const;
const BYTES = 256;
export const TINY_WHISPER_VOCAB = BYTES + SPECIAL.length;
const id = (token: (typeof SPECIAL)[number]): number => BYTES + SPECIAL.indexOf(token);

function byteToUnicode(): string[] {
  const printable = (b: number) => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
  const out: string[] = [];
  let extra = 0;
  for (let b = 0; b < 256; b++) out.push(String.fromCharCode(printable(b) ? b : 256 + extra++));
  return out;
}

function randomWeights(n: number, scale: number, rand: () => number): Float32Array {
  const w = new Float32Array(n);
  for (let i = 0; i < n; i++) w[i] = (rand() * 2 - 1) * scale;
  return w;
}

function encoderGraph(d: number, rand: () => number): Graph {
  return {
    name: "tiny_whisper_encoder",
    initializers: [
      floatTensor("conv1.weight", [d, MEL_BINS, 3], randomWeights(d * MEL_BINS * 3, 1 / Math.sqrt(MEL_BINS * 3), rand)),
      floatTensor("conv1.bias", [d], randomWeights(d, 0.1, rand)),
      floatTensor("conv2.weight", [d, d, 3], randomWeights(d * d * 3, 1 / Math.sqrt(d * 3), rand)),
      floatTensor("conv2.bias", [d], randomWeights(d, 0.1, rand)),
      floatTensor("embed_positions", [ENCODER_POSITIONS, d], randomWeights(ENCODER_POSITIONS * d, 0.1, rand)),
    ],
    nodes: [
      { op: "Conv", inputs: ["input_features", "conv1.weight", "conv1.bias"], outputs: ["c1"], attributes: [{ name: "kernel_shape", ints: [3] }, { name: "pads", ints: [1, 1] }, { name: "strides", ints: [1] }] },
      { op: "Tanh", inputs: ["c1"], outputs: ["a1"] },
      { op: "Conv", inputs: ["a1", "conv2.weight", "conv2.bias"], outputs: ["c2"], attributes: [{ name: "kernel_shape", ints: [3] }, { name: "pads", ints: [1, 1] }, { name: "strides", ints: [2] }] },
      { op: "Tanh", inputs: ["c2"], outputs: ["a2"] },
      { op: "Transpose", inputs: ["a2"], outputs: ["t"], attributes: [{ name: "perm", ints: [0, 2, 1] }] },
      { op: "Add", inputs: ["t", "embed_positions"], outputs: ["last_hidden_state"] },
    ],
    inputs: [{ name: "input_features", type: DataType.float, shape: ["batch_size", MEL_BINS, MEL_FRAMES] }],
    outputs: [{ name: "last_hidden_state", type: DataType.float, shape: ["batch_size", ENCODER_POSITIONS, d] }],
  };
}

/** Only lower-case letters, the space and the end of text are likely: the nonsense stays printable. */
function outputBias(): Float32Array {
  const bias = new Float32Array(TINY_WHISPER_VOCAB).fill(-30);
  for (let b = 97; b <= 122; b++) bias[b] = 0;
  bias[32] = 0.5;
  bias[id("<|endoftext|>")] = -1;
  return bias;
}

function decoderGraph(d: number, heads: number, rand: () => number): Graph {
  const kv = (name: string, seq: string): ValueInfo => ({ name, type: DataType.float, shape: ["batch_size", heads, seq, d / heads] });
  const nodes: Graph["nodes"][number][] = [
    { op: "Gather", inputs: ["embed_tokens", "input_ids"], outputs: ["x"], attributes: [{ name: "axis", int: 0 }] },
    { op: "MatMul", inputs: ["x", "proj_out"], outputs: ["token_logits"] },
    { op: "ReduceMean", inputs: ["encoder_hidden_states"], outputs: ["pooled"], attributes: [{ name: "axes", ints: [1] }, { name: "keepdims", int: 1 }] },
    { op: "MatMul", inputs: ["pooled", "proj_audio"], outputs: ["audio_logits"] },
    { op: "Add", inputs: ["token_logits", "audio_logits"], outputs: ["l1"] },
    // the cache is read, not only carried: every token so far (language and task included) shapes the next
    { op: "ReduceMean", inputs: ["present.0.decoder.key"], outputs: ["history_heads"], attributes: [{ name: "axes", ints: [2] }, { name: "keepdims", int: 1 }] },
    { op: "Transpose", inputs: ["history_heads"], outputs: ["history_t"], attributes: [{ name: "perm", ints: [0, 2, 1, 3] }] },
    { op: "Reshape", inputs: ["history_t", "flat_shape"], outputs: ["history"] },
    { op: "MatMul", inputs: ["history", "proj_history"], outputs: ["history_logits"] },
    { op: "Add", inputs: ["l1", "history_logits"], outputs: ["l2"] },
    { op: "Add", inputs: ["l2", "logit_bias"], outputs: ["logits"] },
    { op: "Reshape", inputs: ["x", "kv_shape"], outputs: ["x_heads"] },
    { op: "Transpose", inputs: ["x_heads"], outputs: ["kv_new"], attributes: [{ name: "perm", ints: [0, 2, 1, 3] }] },
    { op: "Concat", inputs: ["past_key_values.0.decoder.key", "kv_new"], outputs: ["present.0.decoder.key"], attributes: [{ name: "axis", int: 2 }] },
    { op: "Concat", inputs: ["past_key_values.0.decoder.value", "kv_new"], outputs: ["present.0.decoder.value"], attributes: [{ name: "axis", int: 2 }] },
    { op: "Reshape", inputs: ["encoder_hidden_states", "kv_shape"], outputs: ["enc_heads"] },
    { op: "Transpose", inputs: ["enc_heads"], outputs: ["present.0.encoder.key"], attributes: [{ name: "perm", ints: [0, 2, 1, 3] }] },
    { op: "Identity", inputs: ["present.0.encoder.key"], outputs: ["present.0.encoder.value"] },
  ];
  return {
    name: "tiny_whisper_decoder_merged",
    initializers: [
      floatTensor("embed_tokens", [TINY_WHISPER_VOCAB, d], randomWeights(TINY_WHISPER_VOCAB * d, 1, rand)),
      floatTensor("proj_out", [d, TINY_WHISPER_VOCAB], randomWeights(d * TINY_WHISPER_VOCAB, 3 / Math.sqrt(d), rand)),
      floatTensor("proj_audio", [d, TINY_WHISPER_VOCAB], randomWeights(d * TINY_WHISPER_VOCAB, 3, rand)),
      floatTensor("proj_history", [d, TINY_WHISPER_VOCAB], randomWeights(d * TINY_WHISPER_VOCAB, 6 / Math.sqrt(d), rand)),
      floatTensor("logit_bias", [TINY_WHISPER_VOCAB], outputBias()),
      int64Tensor("kv_shape", [0, 0, heads, d / heads]),
      int64Tensor("flat_shape", [0, 0, -1]),
    ],
    nodes,
    inputs: [
      { name: "input_ids", type: DataType.int64, shape: ["batch_size", "decoder_sequence_length"] },
      { name: "encoder_hidden_states", type: DataType.float, shape: ["batch_size", "encoder_sequence_length_out", d] },
      kv("past_key_values.0.decoder.key", "past_decoder_sequence_length"),
      kv("past_key_values.0.decoder.value", "past_decoder_sequence_length"),
      kv("past_key_values.0.encoder.key", "encoder_sequence_length_out"),
      kv("past_key_values.0.encoder.value", "encoder_sequence_length_out"),
      { name: "use_cache_branch", type: DataType.bool, shape: [1] },
    ],
    outputs: [
      { name: "logits", type: DataType.float, shape: ["batch_size", "decoder_sequence_length", TINY_WHISPER_VOCAB] },
      kv("present.0.decoder.key", "present_decoder_sequence_length"),
      kv("present.0.decoder.value", "present_decoder_sequence_length"),
      kv("present.0.encoder.key", "encoder_sequence_length_out"),
      kv("present.0.encoder.value", "encoder_sequence_length_out"),
    ],
  };
}

function tokenizerJson(): object {
  const table = byteToUnicode();
  const vocab: Record<string, number> = {};
  table.forEach((ch, b) => (vocab[ch] = b));
  SPECIAL.forEach((t) => (vocab[t] = id(t)));
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: SPECIAL.map((content) => ({ id: id(content), content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: null,
    pre_tokenizer: { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: null,
    decoder: { type: "ByteLevel", add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: { type: "BPE", dropout: null, unk_token: null, continuing_subword_prefix: "", end_of_word_suffix: "", fuse_unk: false, byte_fallback: false, vocab, merges: [] },
  };
}

/** Writes the model set into `dir` (created if needed) and returns `dir`. */
export function writeTinyWhisper(dir: string, o: TinyWhisperOptions = {}): string {
  const d = o.dModel ?? 64;
  const heads = o.heads ?? 2;
  if (d % heads !== 0) throw new Error("dModel must be a multiple of heads");
  const rand = seededRandom(o.seed ?? 1);
  mkdirSync(join(dir, "onnx"), { recursive: true });
  const json = (name: string, value: object) => writeFileSync(join(dir, name), JSON.stringify(value, null, 1));
  const eot = id("<|endoftext|>");
  json("config.json", {
    model_type: "whisper",
    architectures: ["WhisperForConditionalGeneration"],
    d_model: d,
    encoder_layers: 1,
    encoder_attention_heads: heads,
    decoder_layers: 1,
    decoder_attention_heads: heads,
    num_mel_bins: MEL_BINS,
    max_source_positions: ENCODER_POSITIONS,
    max_target_positions: 448,
    vocab_size: TINY_WHISPER_VOCAB,
    decoder_start_token_id: id("<|startoftranscript|>"),
    bos_token_id: eot,
    eos_token_id: eot,
    pad_token_id: eot,
    is_encoder_decoder: true,
  });
  json("generation_config.json", {
    decoder_start_token_id: id("<|startoftranscript|>"),
    bos_token_id: eot,
    eos_token_id: eot,
    pad_token_id: eot,
    max_length: 448,
    is_multilingual: true,
    lang_to_id: { "<|en|>": id("<|en|>"), "<|nl|>": id("<|nl|>") },
    task_to_id: { translate: id("<|translate|>"), transcribe: id("<|transcribe|>") },
    no_timestamps_token_id: id("<|notimestamps|>"),
    begin_suppress_tokens: [32, eot],
    suppress_tokens: [],
  });
  json("preprocessor_config.json", {
    feature_extractor_type: "WhisperFeatureExtractor",
    processor_class: "WhisperProcessor",
    feature_size: MEL_BINS,
    sampling_rate: 16000,
    hop_length: 160,
    chunk_length: 30,
    n_fft: 400,
    n_samples: 480000,
    nb_max_frames: MEL_FRAMES,
    padding_side: "right",
    padding_value: 0,
    return_attention_mask: false,
  });
  json("tokenizer.json", tokenizerJson());
  json("tokenizer_config.json", {
    tokenizer_class: "WhisperTokenizer",
    bos_token: "<|endoftext|>",
    eos_token: "<|endoftext|>",
    unk_token: "<|endoftext|>",
    pad_token: "<|endoftext|>",
    model_max_length: 1024,
    clean_up_tokenization_spaces: true,
  });
  writeFileSync(join(dir, "onnx/encoder_model.onnx"), encodeModel(encoderGraph(d, rand)));
  writeFileSync(join(dir, "onnx/decoder_model_merged.onnx"), encodeModel(decoderGraph(d, heads, rand)));
  return dir;
}
