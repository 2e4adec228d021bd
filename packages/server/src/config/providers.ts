import type { Providers } from "../session/visit-session.js";
import { buildSinks } from "../sinks/from-config.js";
import { createA2f3dLipsync } from "../stages/lipsync/a2f3d/index.js";
import { createLipsyncFallback } from "../core/lipsync-fallback.js";
import { createAllphoneLipsync } from "../stages/lipsync/allphone/index.js";
import { createBuiltinLipsync } from "../stages/lipsync/builtin/index.js";
import type { Llm } from "../core/contracts/llm.js";
import type { Lipsync } from "../core/contracts/lipsync.js";
import type { Tts } from "../core/contracts/tts.js";
import type { Vad } from "../core/contracts/vad.js";
import { withFallback } from "../core/fallback.js";
import { createGeminiLlm } from "../stages/llm/gemini/index.js";
import { createGgufLlm } from "../stages/llm/gguf/index.js";
import { createOpenAiLlm } from "../stages/llm/openai/index.js";
import { createScriptedLlm } from "../stages/llm/scripted/index.js";
import { createPocketSphinxStt } from "../stages/stt/pocketsphinx/index.js";
import { EXPERIENCE_PHRASES_EN } from "../stages/stt/pocketsphinx/experience-phrases.js";
import { createWhisperCppStt } from "../stages/stt/whisper-cpp/index.js";
import { createWhisperServerStt } from "../stages/stt/whisper-server/index.js";
import { BrowserWhisperHub } from "../stages/stt/browser-whisper/index.js";
import { browserSttRuntimeFiles } from "@mirror/web";
import { buildTts } from "../stages/tts/config.js";
import { withSttFallback } from "../stages/stt/fallback/stt-fallback.js";
import type { Stt } from "../core/contracts/stt.js";
import type { ProviderStatusBoard } from "../observers/provider-status.js";
import { createEnergyVad } from "../stages/vad/energy/index.js";
import { withVadFallback } from "../stages/vad/fallback.js";
import { createSileroVad } from "../stages/vad/silero/index.js";
import type { PoolRegistry } from "../core/pool/pool-registry.js";
import { createF5SidecarTts } from "../stages/tts/f5/sidecar-tts.js";
import { llmChain, type LlmConfig, type LlmProviderName, type MirrorConfig } from "./config.js";
import { buildF5SidecarPool, buildOpenAiLlmPool, buildWhisperSttPool, type PoolsConfig } from "./pools.js";

export interface BuildOptions {
  /** where API keys come from (GEMINI_API_KEY, OPENAI_API_KEY); default process.env */
  env?: NodeJS.ProcessEnv;
  /** one line per provider skipped or failed over (never a key, never the visitor's words) */
  log?: (line: string) => void;
  /** playback speed of the audio the sinks follow (the demo's --fast); default 1 */
  sinkRate?: number;
  /** collects the pools built from `pools` (for /metrics and the console) */
  pools?: PoolRegistry;
  /** told of every failure and answer of a fallback chain's members (ok | degraded | down on the console) */
  status?: ProviderStatusBoard;
}

/**
 * The brain: the configured chain (e.g. Gemini → Ollama → scripted) behind one Llm. A provider that
 * cannot be set up (no key, no model path) is left out with a log line; the scripted engine ends the chain
 * unless `scriptedLast` is false, so the visitor always gets an answer.
 */
export function buildLlm(config: LlmConfig, opts: BuildOptions = {}, pools: PoolsConfig = {}): Llm {
  const env = opts.env ?? process.env;
  const log = opts.log ?? (() => undefined);
  const make: Record<LlmProviderName, () => Llm | string> = {
    gemini: () =>
      env.GEMINI_API_KEY
        ? createGeminiLlm({ ...config.gemini, apiKey: env.GEMINI_API_KEY, ...(config.gemini.baseUrl ? { baseUrl: config.gemini.baseUrl } : {}) })
        : "GEMINI_API_KEY is not set",
    openai: () =>
      pools.openaiLlm
        ? buildOpenAiLlmPool(pools.openaiLlm, (baseUrl) => createOpenAiLlm({ ...config.openai, baseUrl, id: `llm/openai@${new URL(baseUrl).host}` }), opts.pools)
        : config.openai.baseUrl || env.OPENAI_API_KEY
        ? createOpenAiLlm({ ...config.openai, ...(env.OPENAI_API_KEY ? { apiKey: env.OPENAI_API_KEY } : {}) })
        : "neither OPENAI_BASE_URL (stages.llm.openai.baseUrl) nor OPENAI_API_KEY is set",
    gguf: () =>
      config.gguf.path
        ? createGgufLlm({ ...config.gguf, modelPath: config.gguf.path })
        : "no model path (MIRROR_GGUF_PATH or stages.llm.gguf.path)",
    scripted: () => createScriptedLlm({ maxSentences: config.scripted.maxSentences }),
  };
  const chain: Llm[] = [];
  for (const name of llmChain(config)) {
    const made = make[name]();
    if (typeof made === "string") log(`llm: ${name} left out: ${made}`);
    else chain.push(made);
  }
  if (chain.length === 0) {
    log("llm: no provider could be set up; using the scripted engine");
    chain.push(createScriptedLlm());
  }
  const [only] = chain;
  if (chain.length === 1 && only) return only;
  return withFallback(chain, {
    onAnyError: true,
    firstTokenTimeoutMs: config.firstTokenTimeoutMs,
    idleTimeoutMs: config.idleTimeoutMs,
    unhealthyForMs: config.unhealthyForMs,
    onFailure: (id, error) => {
      opts.status?.failure(id, error);
      log(`llm: ${id} failed (${error.status ?? (error.retryable ? "retryable" : "fatal")}: ${error.message.slice(0, 160)}), skipped for ${config.unhealthyForMs} ms`);
    },
    ...(opts.status ? { onSuccess: (id: string) => opts.status?.success(id) } : {}),
  });
}

function buildWhisperStt(c: MirrorConfig["stages"]["stt"]["whisper"], env: NodeJS.ProcessEnv) {
  return createWhisperServerStt({
    model: c.model,
    ...(c.baseUrl ? { baseUrl: c.baseUrl } : {}),
    ...(c.prompt ? { prompt: c.prompt } : {}),
    ...(env.OPENAI_API_KEY ? { apiKey: env.OPENAI_API_KEY } : {}),
  });
}

function buildWhisperSttOrPool(config: MirrorConfig, opts: BuildOptions) {
  const whisper = config.stages.stt.whisper;
  const env = opts.env ?? process.env;
  const section = config.pools.whisperStt;
  if (!section) return buildWhisperStt(whisper, env);
  return buildWhisperSttPool(section, (baseUrl) => buildWhisperStt({ ...whisper, baseUrl }, env), opts.pools);
}

function buildStt(config: MirrorConfig, opts: BuildOptions): Stt {
  const c = config.stages.stt;
  if (c.provider === "whisper-server") {
    // a Whisper server that fails hands the utterance to the embedded recognizer: the visitor is still heard
    const log = opts.log ?? (() => undefined);
    return withSttFallback([buildWhisperSttOrPool(config, opts), createPocketSphinxStt(pocketSphinxOptions(c.pocketsphinx))], {
      onFailure: (id, error) => {
        opts.status?.failure(id, error);
        log(`stt: ${id} failed (${error.status ?? (error.retryable ? "retryable" : "fatal")}), the embedded recognizer takes this utterance`);
      },
      ...(opts.status ? { onSuccess: (id: string) => opts.status?.success(id) } : {}),
    });
  }
  if (c.provider === "whisper-cpp" && c.whisperCpp) return createWhisperCppStt({ modelPath: c.whisperCpp.modelPath });
  return createPocketSphinxStt(pocketSphinxOptions(c.pocketsphinx));
}

function pocketSphinxOptions(c: MirrorConfig["stages"]["stt"]["pocketsphinx"]) {
  if (c.boost === false) return {};
  return { boost: { phrases: c.boost.phrases ?? EXPERIENCE_PHRASES_EN, names: c.boost.names, weight: c.boost.weight } };
}

/** The composition root: the only place that knows every provider. */
export function buildProviders(config: MirrorConfig, opts: BuildOptions = {}): Providers {
  const s = config.stages;
  const tts = buildTts(s.tts, opts.env ?? process.env, opts.log, poolReplacements(config, opts), opts.status);
  const sinkSet = buildSinks(config.sinks, { ...(opts.sinkRate ? { rate: opts.sinkRate } : {}), ...(opts.log ? { log: opts.log } : {}), deepLiveCam: config.gpuBudget.deepLiveCam });
  const stt = buildStt(config, opts);
  const browser = s.stt.browserWhisper;
  return {
    vad: buildVad(s.vad, opts),
    stt,
    ...(browser ? { browserStt: new BrowserWhisperHub({ ...browser, runtimeFiles: browserSttRuntimeFiles(), fallbackId: stt.info.id, ...(opts.log ? { log: opts.log } : {}) }) } : {}),
    llm: buildLlm(s.llm, opts, config.pools),
    tts,
    lipsync: buildLipsync(s.lipsync, tts, opts.log),
    fillers: s.tts.fillers,
    ...(sinkSet ? { sinks: (visit) => sinkSet.forVisit(visit), sinkSet } : {}),
  };
}

function buildVad(v: MirrorConfig["stages"]["vad"], opts: BuildOptions): Vad {
  const energy = createEnergyVad({ hangoverMs: v.hangoverMs });
  if (v.provider === "energy") return energy;
  const { threshold, minSpeechMs, modelPath } = v.silero;
  return withVadFallback(() => createSileroVad({ hangoverMs: v.hangoverMs, threshold, minSpeechMs, ...(modelPath ? { modelPath } : {}) }), energy, {
    onFallback: (err) => opts.log?.(`vad: silero → energy (${err.message.slice(0, 200)})`),
  });
}

/** A TTS that times its phonemes drives the built-in lip-sync directly; one that gives audio only gets its phones recognized. */
function buildLipsync(l: MirrorConfig["stages"]["lipsync"], tts: Tts, log?: (line: string) => void): Lipsync {
  const builtin = createBuiltinLipsync();
  const local = tts.capabilities.timings === "phoneme" || l.audioOnly === "energy" ? builtin : createAllphoneLipsync({ inner: builtin });
  // Audio2Face-3D is a server that can go away: the built-in lip-sync carries the turn on, and the next ones for a while
  if (l.provider === "a2f3d" && l.a2f3d) {
    return createLipsyncFallback({ primary: createA2f3dLipsync({ address: l.a2f3d.address }), fallback: local, onFallback: (err) => log?.(`lip-sync: ${err.message}; built-in lip-sync for 30 s`) });
  }
  return local;
}

/** Chain entries served by a pool instead of a single endpoint. */
function poolReplacements(config: MirrorConfig, opts: BuildOptions): Parameters<typeof buildTts>[3] {
  const section = config.pools.f5Sidecar;
  if (!section) return {};
  const f5 = config.stages.tts.f5;
  const options = { languages: f5.languages, ...(f5.nfeStep ? { nfeStep: f5.nfeStep } : {}), ...(f5.speed ? { speed: f5.speed } : {}) };
  return { "f5-sidecar": () => buildF5SidecarPool(section, (url) => createF5SidecarTts({ url, ...options }), opts.pools, opts.log) };
}

/** Loads every model once before the first visitor, so the first turn is as fast as the rest. */
export async function warmup(p: Providers): Promise<void> {
  await Promise.all([p.vad.warmup?.(), p.stt.warmup?.(), p.browserStt?.warmup(), p.llm.warmup?.(), p.tts.warmup?.(), p.lipsync.warmup?.(), p.sinkSet?.warmup()]);
}

export async function closeProviders(p: Providers): Promise<void> {
  await Promise.all([p.vad.close?.(), p.stt.close?.(), p.llm.close?.(), p.tts.close?.(), p.lipsync.close?.(), p.sinkSet?.close()]);
}
