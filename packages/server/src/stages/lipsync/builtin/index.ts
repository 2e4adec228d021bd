export { createBuiltinLipsync } from "./builtin-lipsync.js";
export type { BuiltinLipsyncOptions } from "./builtin-lipsync.js";
export { visemesFor, VISEMES } from "./visemes.js";
export type { Viseme } from "./visemes.js";
