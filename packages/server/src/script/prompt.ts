import type { Language } from "@mirror/protocol";
import { EXPERIENCE } from "./experience.js";
import type { ExperienceScript, PhaseId } from "./experience.js";
import { phaseSpec } from "./phases.js";

const HEADINGS: Readonly<Record<Language, { phase: string; facts: string; noFacts: string; names: Record<PhaseId, string> }>> = {
  en: {
    phase: "Now",
    facts: "What the visitor told you about themselves, in their words:",
    noFacts: "The visitor has not told you anything about themselves yet.",
    names: {
      greeting: "the greeting",
      "getting-to-know": "getting to know each other",
      mirroring: "mirroring",
      reveal: "the reveal",
      farewell: "the farewell",
    },
  },
  nl: {
    phase: "Nu",
    facts: "Wat de bezoeker over zichzelf vertelde, in hun woorden:",
    noFacts: "De bezoeker heeft nog niets over zichzelf verteld.",
    names: {
      greeting: "de begroeting",
      "getting-to-know": "kennismaken",
      mirroring: "spiegelen",
      reveal: "de onthulling",
      farewell: "het afscheid",
    },
  },
};

/** The system prompt a real LLM gets for one reply: who it is, how it speaks, this phase's goal, the facts. */
export function systemPrompt(
  phase: PhaseId,
  language: Language,
  facts: readonly string[],
  script: ExperienceScript = EXPERIENCE,
): string {
  const headings = HEADINGS[language];
  const goal = phaseSpec(phase, script).goal[language];
  const known = facts.length > 0 ? [headings.facts, ...facts.map((f) => `- ${f}`)].join("\n") : headings.noFacts;
  return [
    script.persona[language],
    script.style[language],
    `${headings.phase}: ${headings.names[phase]}. ${goal}`,
    known,
  ].join("\n\n");
}
