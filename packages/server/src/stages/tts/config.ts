/**
 * The voice stage's configuration (`stages.tts` in the config file) and env overrides, and the
 * chain built from it. Wired into config/config.ts and config/providers.ts.
 *
 * Env: MIRROR_TTS (chain, e.g. "f5-socket,embedded"; "embedded" = the embedded cloned voice: the converted
 * flite voice for English, then espeak (Dutch, and fallback); "espeak" alone = espeak only), MIRROR_F5_SOCKET (host:port),
 * MIRROR_F5_SIDECAR (URL), MIRROR_F5_SIDECAR_CMD (command line Mirror runs and supervises),
 * MIRROR_F5_GRADIO_URL, MIRROR_F5_CLI (command), MIRROR_TTS_OPENAI_URL, MIRROR_TTS_OPENAI_MODEL,
 * MIRROR_FILLERS (on/off), MIRROR_FILLER_DELAY_MS;
 * secrets only from env at build time: HF_TOKEN (Gradio Spaces), MIRROR_TTS_OPENAI_KEY.
 */
import { z } from "zod";
import { Language } from "@mirror/protocol";
import type { Tts } from "../../core/contracts/tts.js";
import type { ProviderError } from "../../core/errors.js";
import { createEspeakTts } from "./espeak/index.js";
import { createFliteTts } from "./flite/flite-tts.js";
import { createF5CliTts } from "./f5/cli-tts.js";
import { createF5GradioTts } from "./f5/gradio-tts.js";
import { createF5SidecarTts } from "./f5/sidecar-tts.js";
import { createF5SocketTts } from "./f5/socket-tts.js";
import { withTtsFallback } from "./fallback/tts-fallback.js";
import { createOpenAiSpeechTts } from "./openai-speech/openai-speech-tts.js";

export const TTS_PROVIDERS = ["espeak", "flite", "f5-socket", "f5-sidecar", "f5-gradio", "f5-cli", "openai-speech"] as const;
export type TtsProviderName = (typeof TTS_PROVIDERS)[number];

/** "embedded" = the embedded cloned voice: flite converted toward the visitor (English), espeak (Dutch, fallback) */
export const EMBEDDED_CHAIN: readonly TtsProviderName[] = ["flite", "espeak"];
const ProviderName = z.enum([...TTS_PROVIDERS, "embedded"]);
const langs = Language.array().min(1).default(["en"]);

const Reference = z.discriminatedUnion("mode", [
  z.object({ mode: z.literal("voice"), voice: z.string().min(1) }),
  z.object({
    mode: z.literal("field"),
    audioField: z.string().min(1),
    textField: z.string().optional(),
    encoding: z.enum(["base64", "data-uri"]).optional(),
    voice: z.string().optional(),
  }),
  z.object({
    mode: z.literal("upload"),
    path: z.string().min(1),
    fileField: z.string().optional(),
    textField: z.string().optional(),
    nameField: z.string().optional(),
    idField: z.string().optional(),
    deletePath: z.string().optional(),
  }),
]);

export const TtsConfig = z
  .object({
    /** a single provider (older configs); `chain` wins when both are given */
    provider: ProviderName.optional(),
    chain: z.array(ProviderName).min(1).optional(),
    /** end every chain with the embedded voice, so the double never falls silent */
    embeddedLast: z.boolean().default(true),
    /** a provider with no audio this long after a sentence was asked for is skipped */
    firstAudioTimeoutMs: z.number().int().min(50).max(60_000).default(3_000),
    cloneTimeoutMs: z.number().int().min(500).max(300_000).default(30_000),
    /** short phrases in the cloned voice, played when the brain is slow to answer (stages/tts/fillers.ts) */
    fillers: z.object({ enabled: z.boolean().default(true), delayMs: z.number().int().min(0).max(10_000).default(700) }).prefault({}),
    f5: z.object({ languages: langs, nfeStep: z.number().int().min(4).max(64).optional(), speed: z.number().min(0.5).max(2).optional() }).prefault({}),
    f5Socket: z.object({ host: z.string().default("127.0.0.1"), port: z.number().int().min(1).max(65535).default(9998) }).prefault({}),
    f5Sidecar: z
      .object({
        url: z.string().default("http://127.0.0.1:9999"),
        /** when set, Mirror starts the sidecar and restarts it if it dies */
        launch: z.object({ command: z.string().min(1), args: z.array(z.string()).default([]) }).optional(),
      })
      .prefault({}),
    f5Gradio: z.object({ url: z.string().default("http://127.0.0.1:7860"), seed: z.number().int().default(0) }).prefault({}),
    f5Cli: z.object({ command: z.string().default("f5-tts_infer-cli"), extraArgs: z.array(z.string()).default([]) }).prefault({}),
    openaiSpeech: z
      .object({
        baseUrl: z.string().default("http://127.0.0.1:8000/v1"),
        model: z.string().default("tts-1"),
        reference: Reference.default({ mode: "voice", voice: "alloy" }),
        sampleRate: z.number().int().positive().default(24_000),
        languages: langs,
      })
      .prefault({}),
  })
  .prefault({});
export type TtsConfig = z.infer<typeof TtsConfig>;

/** Returns `raw` (the config file's object) with the TTS env overrides applied to `stages.tts`. */
export function applyTtsEnv(raw: Record<string, unknown>, env: NodeJS.ProcessEnv): Record<string, unknown> {
  const stages = { ...((raw.stages as Record<string, unknown> | undefined) ?? {}) };
  const tts = { ...((stages.tts as Record<string, unknown> | undefined) ?? {}) };
  const patch = (name: string, values: Record<string, unknown>) => {
    const set = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v !== ""));
    if (Object.keys(set).length) tts[name] = { ...((tts[name] as Record<string, unknown> | undefined) ?? {}), ...set };
  };
  if (env.MIRROR_TTS) tts.chain = env.MIRROR_TTS.split(",").map((s) => s.trim()).filter(Boolean);
  if (env.MIRROR_F5_SOCKET) {
    const [host, port] = env.MIRROR_F5_SOCKET.split(":");
    patch("f5Socket", { host, port: port ? Number(port) : undefined });
  }
  patch("f5Sidecar", { url: env.MIRROR_F5_SIDECAR });
  if (env.MIRROR_F5_SIDECAR_CMD) {
    const [command, ...args] = env.MIRROR_F5_SIDECAR_CMD.split(/\s+/).filter(Boolean);
    patch("f5Sidecar", { launch: { command, args } });
  }
  patch("f5Gradio", { url: env.MIRROR_F5_GRADIO_URL });
  patch("f5Cli", { command: env.MIRROR_F5_CLI });
  patch("openaiSpeech", { baseUrl: env.MIRROR_TTS_OPENAI_URL, model: env.MIRROR_TTS_OPENAI_MODEL });
  const fillersOff = env.MIRROR_FILLERS ? /^(0|off|false|no)$/i.test(env.MIRROR_FILLERS.trim()) : undefined;
  const delay = env.MIRROR_FILLER_DELAY_MS?.trim();
  // left unparsed: a bad value is rejected by the schema with the field's name
  patch("fillers", { enabled: fillersOff === undefined ? undefined : !fillersOff, delayMs: delay ? (Number.isFinite(Number(delay)) ? Number(delay) : delay) : undefined });
  if (Object.keys(tts).length === 0) return raw;
  return { ...raw, stages: { ...stages, tts } };
}

/**
 * The provider names in the order they are tried. Default: the embedded cloned voice. With `embeddedLast`, a
 * chain without espeak ends with the embedded voice (flite unless already there, then espeak); a chain that
 * names espeak itself keeps its choice.
 */
export function ttsChain(cfg: TtsConfig): TtsProviderName[] {
  const named = cfg.chain ?? [cfg.provider ?? "embedded"];
  const unique = [...new Set(named.flatMap((n) => (n === "embedded" ? EMBEDDED_CHAIN : [n])))];
  if (cfg.embeddedLast && !unique.includes("espeak")) unique.push(...EMBEDDED_CHAIN.filter((n) => !unique.includes(n)));
  return unique;
}

/** `replace` swaps a provider of the chain for another build of it (e.g. a pool of F5 sidecars). */
export function buildTts(
  cfg: TtsConfig,
  env: NodeJS.ProcessEnv = process.env,
  log: (line: string) => void = () => undefined,
  replace: Partial<Record<TtsProviderName, () => Tts>> = {},
  status?: { failure(id: string, error: ProviderError): void; success(id: string): void },
): Tts {
  const f5 = { languages: cfg.f5.languages, nfeStep: cfg.f5.nfeStep, speed: cfg.f5.speed };
  const make = (name: TtsProviderName): Tts => {
    const replaced = replace[name];
    if (replaced) return replaced();
    switch (name) {
      case "espeak":
        return createEspeakTts();
      case "flite":
        return createFliteTts();
      case "f5-socket":
        return createF5SocketTts({ ...cfg.f5Socket, languages: f5.languages });
      case "f5-sidecar":
        return createF5SidecarTts({
          url: cfg.f5Sidecar.url,
          ...f5,
          ...(cfg.f5Sidecar.launch ? { launch: { ...cfg.f5Sidecar.launch, onLog: (l: string) => log(`f5-sidecar: ${l}`) } } : {}),
        });
      case "f5-gradio": {
        const token = env.HF_TOKEN;
        return createF5GradioTts({ url: cfg.f5Gradio.url, seed: cfg.f5Gradio.seed, ...f5, ...(token?.startsWith("hf_") ? { hfToken: token as `hf_${string}` } : {}) });
      }
      case "f5-cli":
        return createF5CliTts({ command: cfg.f5Cli.command, extraArgs: cfg.f5Cli.extraArgs, ...f5 });
      case "openai-speech":
        return createOpenAiSpeechTts({ ...cfg.openaiSpeech, baseURL: cfg.openaiSpeech.baseUrl, apiKey: env.MIRROR_TTS_OPENAI_KEY });
    }
  };
  const chain = ttsChain(cfg).map(make);
  if (chain.length === 1 && chain[0]) return chain[0];
  return withTtsFallback(chain, {
    firstAudioTimeoutMs: cfg.firstAudioTimeoutMs,
    cloneTimeoutMs: cfg.cloneTimeoutMs,
    onFallback: (from, to, err) => log(`tts: ${from} → ${to} (${err.message})`),
    ...(status ? { onFailure: (id: string, err: ProviderError) => status.failure(id, err), onSuccess: (id: string) => status.success(id) } : {}),
  });
}
