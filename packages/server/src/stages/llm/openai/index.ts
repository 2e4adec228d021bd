export { createOpenAiLlm } from "./openai-llm.js";
export type { OpenAiLlmOptions } from "./openai-llm.js";
