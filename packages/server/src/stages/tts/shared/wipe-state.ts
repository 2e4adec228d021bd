import type { VoiceProfile } from "../../../core/contracts/tts.js";

/** Empties a profile's state in place (buffers zeroed), so nothing biometric outlives forgetVoice. */
export function wipeState(voice: VoiceProfile): void {
  const state = voice.state as Record<string, unknown>;
  for (const [key, value] of Object.entries(state)) {
    if (ArrayBuffer.isView(value)) new Uint8Array(value.buffer, value.byteOffset, value.byteLength).fill(0);
    delete state[key];
  }
}
