export { createAllphoneLipsync } from "./allphone-lipsync.js";
export type { AllphoneLipsyncOptions } from "./allphone-lipsync.js";
export { SphinxPhoneRecognizer } from "./phone-recognizer.js";
export type { PhoneSegment } from "./phone-recognizer.js";
