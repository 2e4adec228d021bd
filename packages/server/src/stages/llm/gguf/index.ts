export { createGgufLlm } from "./gguf-llm.js";
export type { GgufLlmOptions } from "./gguf-llm.js";
