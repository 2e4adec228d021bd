import type { Language } from "@mirror/protocol";
import type { DialoguePlan } from "../core/conversation.js";
import { EXPERIENCE, HARD_CAP_MS, isPhaseId, type ExperienceScript } from "./experience.js";
import { extractFacts } from "./facts.js";
import { phaseAt } from "./phases.js";
import { systemPrompt } from "./prompt.js";

/** What the visitor reads aloud for the voice sample: known text, so the clone gets an exact transcript. */
export const SAMPLE_SENTENCES: Readonly<Record<Language, string>> = {
  en: "The rainbow is a division of white light into many beautiful colors. These take the shape of a long round arch.",
  nl: "Een regenboog ontstaat als wit licht wordt gebroken in vele mooie kleuren. Samen vormen ze een lange ronde boog.",
};

export type ExperiencePlan = DialoguePlan & { sampleSentence(language: Language): string };

/** The experience script as the conversation uses it. */
export function createDialoguePlan(script: ExperienceScript = EXPERIENCE, maxConversationMs = HARD_CAP_MS): ExperiencePlan {
  return {
    maxConversationMs,
    phaseFor: (elapsedMs, turnIndex) => {
      const id = phaseAt(elapsedMs, turnIndex, script);
      return { id, farewell: id === "farewell" };
    },
    systemPrompt: (phaseId, language, facts) => systemPrompt(isPhaseId(phaseId) ? phaseId : "mirroring", language, facts, script),
    extractFacts: (text, language) => extractFacts(text, language),
    sampleSentence: (language) => SAMPLE_SENTENCES[language],
  };
}
