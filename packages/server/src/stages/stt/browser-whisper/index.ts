export { BrowserSttBridge, type BrowserSttStats, type KioskSttStatus } from "./bridge.js";
export { BrowserWhisperHub, EARS_PREFIX, requiredModelFiles, type BrowserWhisperOptions } from "./hub.js";
export { MicTimeline } from "./mic-timeline.js";
