export { createScriptedLlm } from "./scripted-llm.js";
export type { ScriptedLlmOptions } from "./scripted-llm.js";
export { swapPronouns } from "./pronouns.js";
export { pickKeyPhrase } from "./key-phrase.js";
export type { KeyPhrase } from "./key-phrase.js";
