import type { Language } from "@mirror/protocol";
import type { Filler, FillerSource, Tts, VoiceProfile } from "../../core/contracts/tts.js";
import type { BiometricVault } from "../../core/vault.js";

export const DEFAULT_FILLER_TEXTS: Record<Language, readonly string[]> = {
  en: ["Hm.", "Yes.", "Let me think.", "Well."],
  nl: ["Hm.", "Ja.", "Even denken.", "Nou."],
};

export interface FillerOptions {
  /** no LLM token this long after the turn started → a filler plays first */
  delayMs: number;
  texts?: readonly string[];
}

export const DEFAULT_FILLER_OPTIONS: FillerOptions = { delayMs: 700 };

/**
 * The visit's fillers. Their audio lives in the visit's vault (it is the visitor's voice): purge wipes the
 * buffers in place, and from then on the bank hands out nothing.
 */
export class FillerBank implements FillerSource {
  private readonly fillers: Filler[] = [];
  private turn = 0;

  constructor(
    private readonly vault: BiometricVault,
    readonly delayMs = DEFAULT_FILLER_OPTIONS.delayMs,
  ) {}

  add(filler: Filler): void {
    if (this.vault.put("voice-filler", filler.pcm)) this.fillers.push(filler);
  }

  get size(): number {
    return this.vault.isPurged ? 0 : this.fillers.length;
  }

  /** Rotates through the fillers so the double does not say "hm" every time. */
  next(): Filler | undefined {
    if (this.vault.isPurged || this.fillers.length === 0) return undefined;
    return this.fillers[this.turn++ % this.fillers.length];
  }
}

/** Synthesizes the fillers one after another (they are short) into a bank kept in the visit's vault. */
export async function prepareFillers(
  tts: Tts,
  voice: VoiceProfile,
  vault: BiometricVault,
  signal: AbortSignal,
  opts: Partial<FillerOptions> = {},
): Promise<FillerBank> {
  const o = { ...DEFAULT_FILLER_OPTIONS, ...opts };
  const bank = new FillerBank(vault, o.delayMs);
  for (const text of o.texts ?? DEFAULT_FILLER_TEXTS[voice.language]) {
    if (signal.aborted || vault.isPurged) break;
    const chunks: Float32Array[] = [];
    const phonemes: Array<Filler["phonemes"][number]> = [];
    let sampleRate = 0;
    for await (const ev of tts.synthesize({ text, voice, signal })) {
      if (ev.type === "audio") {
        if (sampleRate && ev.sampleRate !== sampleRate) throw new Error("filler audio changed sample rate mid-stream");
        sampleRate = ev.sampleRate;
        chunks.push(ev.pcm);
      } else if (ev.type === "phoneme") phonemes.push({ phoneme: ev.phoneme, alphabet: ev.alphabet, start: ev.start, end: ev.end });
    }
    const length = chunks.reduce((n, c) => n + c.length, 0);
    if (!length) continue;
    const pcm = new Float32Array(length);
    let at = 0;
    for (const c of chunks) {
      pcm.set(c, at);
      at += c.length;
      c.fill(0);
    }
    bank.add({ text, pcm, sampleRate, phonemes });
  }
  return bank;
}
