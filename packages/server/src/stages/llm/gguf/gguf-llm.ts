import type { Language } from "@mirror/protocol";
import type { ChatHistoryItem, Llama, LlamaContext, LlamaContextSequence, LlamaModel } from "node-llama-cpp";
import { AsyncQueue } from "../../../core/async-queue.js";
import type { Health } from "../../../core/contracts/common.js";
import type { Llm, LlmEvent, LlmRequest } from "../../../core/contracts/llm.js";
import { ProviderError, isAbort } from "../../../core/errors.js";
import { chatTurns, isGarbage, providerError } from "../chat.js";

export interface GgufLlmOptions {
  /** a GGUF chat model on disk (MIRROR_GGUF_PATH) */
  modelPath: string;
  /** "auto" uses CUDA/Vulkan/Metal where present, false forces the CPU; default "auto" */
  gpu?: "auto" | false;
  /** KV cache in tokens; default 4096 */
  contextSize?: number;
  /** CPU threads; default: node-llama-cpp's choice */
  threads?: number;
  /** languages the model speaks well enough for a visit; default en, nl */
  languages?: readonly Language[];
  temperature?: number;
  /** default 200 */
  maxOutputTokens?: number;
  id?: string;
}

interface Loaded {
  llama: Llama;
  model: LlamaModel;
  context: LlamaContext;
  sequence: LlamaContextSequence;
}

/**
 * A local GGUF model in-process through node-llama-cpp. The model is loaded once (at warmup, or on the
 * first turn) and kept warm across visits; one context sequence serves one reply at a time, and the
 * prompt prefix it already evaluated (the system prompt, earlier turns) is reused by node-llama-cpp.
 */
export function createGgufLlm(opts: GgufLlmOptions): Llm {
  const id = opts.id ?? "llm/gguf";
  let loading: Promise<Loaded> | null = null;
  /** replies run one after another on the one sequence */
  let queue: Promise<void> = Promise.resolve();

  function load(): Promise<Loaded> {
    loading ??= (async () => {
      const { getLlama, LlamaLogLevel } = await import("node-llama-cpp");
      const llama = await getLlama({ gpu: opts.gpu ?? "auto", logLevel: LlamaLogLevel.error, logger: () => undefined });
      const model = await llama.loadModel({ modelPath: opts.modelPath });
      const context = await model.createContext({ contextSize: opts.contextSize ?? 4096, ...(opts.threads ? { threads: opts.threads } : {}) });
      return { llama, model, context, sequence: context.getSequence() };
    })().catch((err: unknown) => {
      loading = null;
      throw new ProviderError(id, `cannot load ${opts.modelPath}: ${err instanceof Error ? err.message : String(err)}`, { retryable: false, cause: err });
    });
    return loading;
  }

  async function* stream(req: LlmRequest): AsyncGenerator<LlmEvent> {
    const { signal } = req;
    if (signal.aborted) return;
    let loaded: Loaded;
    try {
      loaded = await load();
    } catch (err) {
      throw providerError(id, err);
    }
    const out = new AsyncQueue<string>();
    const stop = (): void => out.close();
    signal.addEventListener("abort", stop, { once: true });
    let finish: "stop" | "length" = "stop";
    const run = queue.then(async () => {
      if (signal.aborted) return;
      const { LlamaChatSession } = await import("node-llama-cpp");
      const turns = chatTurns(req);
      const last = turns.pop();
      const session = new LlamaChatSession({ contextSequence: loaded.sequence, autoDisposeSequence: false });
      try {
        const history: ChatHistoryItem[] = [
          { type: "system", text: req.system },
          ...turns.map((m): ChatHistoryItem => (m.role === "user" ? { type: "user", text: m.content } : { type: "model", response: [m.content] })),
        ];
        session.setChatHistory(history);
        const result = await session.promptWithMeta(last?.content ?? "", {
          signal,
          stopOnAbortSignal: true,
          maxTokens: req.maxOutputTokens ?? opts.maxOutputTokens ?? 200,
          temperature: req.temperature ?? opts.temperature ?? 0.7,
          onTextChunk: (text) => out.push(text),
        });
        if (result.stopReason === "maxTokens") finish = "length";
      } finally {
        session.dispose({ disposeSequence: false });
      }
    });
    queue = run.catch(() => undefined);
    void run.then(
      () => out.close(),
      (err: unknown) => out.fail(err),
    );
    try {
      for await (const text of out) {
        if (signal.aborted) return;
        if (text === "") continue;
        if (isGarbage(text)) throw new ProviderError(id, "garbage in the stream", { retryable: true });
        yield { type: "text-delta", text };
      }
    } catch (err) {
      if (signal.aborted || isAbort(err)) return;
      throw providerError(id, err);
    } finally {
      signal.removeEventListener("abort", stop);
    }
    if (signal.aborted) return;
    yield { type: "finish", reason: finish };
  }

  return {
    info: { id, stage: "llm", languages: opts.languages ?? ["en", "nl"], local: true },
    capabilities: { streaming: true },
    stream,
    async warmup() {
      await load();
    },
    async health(): Promise<Health> {
      if (!loading) return { ok: true, detail: "not loaded yet" };
      try {
        const { model } = await loading;
        return { ok: true, detail: `loaded, ${model.trainContextSize} tokens of context` };
      } catch (err) {
        return { ok: false, detail: err instanceof Error ? err.message : String(err) };
      }
    },
    async close() {
      const pending = loading;
      loading = null;
      if (!pending) return;
      const loaded = await pending.catch(() => null);
      await queue;
      if (!loaded) return;
      await loaded.context.dispose();
      await loaded.model.dispose();
      await loaded.llama.dispose();
    },
  };
}
