import type { BrowserSttConfig, BrowserSttDevice, Language } from "@mirror/protocol";

/** Messages between the kiosk and its Whisper worker (types only). */
export type EarsRequest =
  | { type: "load"; config: BrowserSttConfig }
  | { type: "transcribe"; id: number; pcm: Float32Array; language: Language };

export type EarsReply =
  | { type: "loaded"; device: BrowserSttDevice; languages: Language[]; ms: number; note?: string }
  | { type: "load-failed"; message: string }
  | { type: "partial"; id: number; text: string }
  | { type: "final"; id: number; text: string; ms: number }
  | { type: "error"; id: number; message: string };
