export { createGeminiLlm } from "./gemini-llm.js";
export type { GeminiLlmOptions } from "./gemini-llm.js";
