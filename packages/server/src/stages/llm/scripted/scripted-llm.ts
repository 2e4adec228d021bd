import type { Health } from "../../../core/contracts/common.js";
import type { Llm, LlmEvent, LlmRequest } from "../../../core/contracts/llm.js";
import { EXPERIENCE, isPhaseId } from "../../../script/experience.js";
import type { ExperienceScript, PhaseId } from "../../../script/experience.js";
import { phaseAt } from "../../../script/phases.js";
import { composeReply } from "./reply.js";

export interface ScriptedLlmOptions {
  /** provider id in logs and fallbacks; default "llm/scripted" */
  id?: string;
  /** 1–3 sentences per reply; default 3 */
  maxSentences?: number;
  script?: ExperienceScript;
}

/**
 * The embedded "mirror" dialogue engine: no model, no network. It says the visitor's own words back
 * to them turned around, follows the script's phases, and never says the same sentence twice in a
 * visit. It keeps no state: what it already said is read from the request's history.
 */
export function createScriptedLlm(opts: ScriptedLlmOptions = {}): Llm {
  const script = opts.script ?? EXPERIENCE;
  const maxSentences = Math.max(1, Math.min(3, opts.maxSentences ?? 3));
  const id = opts.id ?? "llm/scripted";

  async function* stream(req: LlmRequest): AsyncGenerator<LlmEvent> {
    if (req.signal.aborted) return;
    const { context } = req;
    const lastUser = [...req.messages].reverse().find((m) => m.role === "user");
    const phase: PhaseId = isPhaseId(context.phase) ? context.phase : phaseAt(context.elapsedMs, context.turnIndex, script);
    const sentences = composeReply({
      language: context.language,
      phase,
      userText: context.userText !== "" ? context.userText : (lastUser?.content ?? ""),
      facts: context.facts,
      history: req.messages,
      random: context.random,
      lines: script.lines[context.language],
      maxSentences,
    });
    // word by word, as a model would stream tokens: the sentence chunker downstream must not care
    for (const word of sentences.join(" ").match(/\s*\S+/g) ?? []) {
      if (req.signal.aborted) return;
      yield { type: "text-delta", text: word };
    }
    if (req.signal.aborted) return;
    yield { type: "finish", reason: "stop" };
  }

  return {
    info: { id, stage: "llm", languages: ["en", "nl"], local: true },
    capabilities: { streaming: true },
    stream,
    health: async (): Promise<Health> => ({ ok: true, detail: "embedded, no model to load" }),
  };
}
