export type * from "./common.js";
export type * from "./vad.js";
export type * from "./stt.js";
export type * from "./llm.js";
export type * from "./tts.js";
export type * from "./lipsync.js";
export type * from "./sink.js";
export { transcribe } from "./stt.js";
