export { createEspeakTts, ESPEAK_SAMPLE_RATE } from "./espeak-tts.js";
export type { EspeakTtsOptions, EspeakVoiceState } from "./espeak-tts.js";
