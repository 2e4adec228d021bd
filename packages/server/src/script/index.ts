export { EXPERIENCE, HARD_CAP_MS, PHASE_IDS, isPhaseId } from "./experience.js";
export type { ExperienceScript, PhaseId, PhaseLines, PhaseSpec, ScriptLines } from "./experience.js";
export { phaseAt, phaseSpec, phaseWindows } from "./phases.js";
export type { PhaseWindow } from "./phases.js";
export { systemPrompt } from "./prompt.js";
export { extractFacts, nameFromFacts } from "./facts.js";
