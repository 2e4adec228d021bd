/**
 * koffi binding of libespeak-ng (speak_lib.h, API revision 12). Only what the TTS needs.
 */
import koffi from "koffi";

/** espeak_AUDIO_OUTPUT */
export const AUDIO_OUTPUT_SYNCHRONOUS = 2;
export const espeakINITIALIZE_PHONEME_EVENTS = 0x0001;
export const espeakCHARS_UTF8 = 1;
/** espeak_POSITION_TYPE */
const POS_CHARACTER = 1;

/** espeak_PARAMETER */
export const EspeakParam = { rate: 1, volume: 2, pitch: 3, range: 4, wordGap: 7 } as const;
export type EspeakParamName = keyof typeof EspeakParam;

/** espeak_EVENT_TYPE */
export const EspeakEventType = {
  listTerminated: 0,
  word: 1,
  sentence: 2,
  mark: 3,
  play: 4,
  end: 5,
  msgTerminated: 6,
  phoneme: 7,
  sampleRate: 8,
} as const;

/** One decoded espeak_EVENT. `sample` counts output samples from the start of the current espeak_Synth call. */
export interface RawEvent {
  type: number;
  /** 1-based character position in the text (WORD, PHONEME) */
  textPosition: number;
  /** word length in characters (WORD) */
  length: number;
  sample: number;
  /** phoneme mnemonic (PHONEME only) */
  phoneme: string;
}

/**
 * Called by espeak for every buffer: `wav` null means synthesis finished.
 * Return true to make espeak stop (the callback's "1 = abort synthesis").
 */
export type SynthHandler = (wav: Int16Array | null, events: RawEvent[]) => boolean;

export interface EspeakLib {
  /** returns the output sample rate */
  initialize(bufferMs: number, dataPath: string | null): number;
  setHandler(handler: SynthHandler): void;
  setVoiceByName(name: string): void;
  setParameter(param: EspeakParamName, value: number): void;
  /** Runs espeak_Synth on a koffi worker thread; the handler runs on the JS thread meanwhile. */
  synth(text: string): Promise<void>;
  version(): string;
}

const EVENT_SIZE = 40; // sizeof(espeak_EVENT) on LP64, asserted at load

export function loadEspeak(libPath = "libespeak-ng.so.1"): EspeakLib {
  const lib = koffi.load(libPath);
  const Event = koffi.struct("espeak_EVENT", {
    type: "int",
    unique_identifier: "uint",
    text_position: "int",
    length: "int",
    audio_position: "int",
    sample: "int",
    user_data: "void *",
    // union { int number; const char *name; char string[8]; } id — only the phoneme string is read
    id: koffi.array("uint8_t", 8, "Typed"),
  });
  if (koffi.sizeof(Event) !== EVENT_SIZE) throw new Error(`unexpected espeak_EVENT size ${koffi.sizeof(Event)}`);
  const SynthCallback = koffi.proto("int t_espeak_callback(int16_t *wav, int numsamples, espeak_EVENT *events)");

  const espeakInitialize = lib.func("int espeak_Initialize(int output, int buflength, const char *path, int options)");
  const espeakSetSynthCallback = lib.func("void espeak_SetSynthCallback(t_espeak_callback *cb)");
  const espeakSetVoiceByName = lib.func("int espeak_SetVoiceByName(const char *name)");
  const espeakSetParameter = lib.func("int espeak_SetParameter(int parameter, int value, int relative)");
  const espeakSynth = lib.func(
    "int espeak_Synth(const char *text, size_t size, uint position, int position_type, uint end_position, uint flags, void *unique_identifier, void *user_data)",
  );
  const espeakInfo = lib.func("const char *espeak_Info(void *path_data)");

  let handler: SynthHandler = () => true;
  const decoder = new TextDecoder();

  const decodeEvents = (ptr: unknown): RawEvent[] => {
    const out: RawEvent[] = [];
    if (ptr === null) return out;
    for (let i = 0; i < 4096; i++) {
      const e = koffi.decode(ptr, i * EVENT_SIZE, Event) as { type: number; text_position: number; length: number; sample: number; id: Uint8Array };
      if (e.type === EspeakEventType.listTerminated) break;
      let phoneme = "";
      if (e.type === EspeakEventType.phoneme) {
        const nul = e.id.indexOf(0);
        phoneme = decoder.decode(e.id.subarray(0, nul < 0 ? 8 : nul));
      }
      out.push({ type: e.type, textPosition: e.text_position, length: e.length, sample: e.sample, phoneme });
    }
    return out;
  };

  // One registered callback for the process: espeak has a single global callback slot.
  const callback = koffi.register(
    (wav: unknown, numsamples: number, events: unknown): number => {
      try {
        const pcm = wav === null ? null : numsamples > 0 ? (koffi.decode(wav, "int16_t", numsamples) as Int16Array) : new Int16Array(0);
        return handler(pcm, decodeEvents(events)) ? 1 : 0;
      } catch {
        return 1;
      }
    },
    koffi.pointer(SynthCallback),
  );

  return {
    initialize(bufferMs, dataPath) {
      const rate = espeakInitialize(AUDIO_OUTPUT_SYNCHRONOUS, bufferMs, dataPath, espeakINITIALIZE_PHONEME_EVENTS) as number;
      if (rate <= 0) throw new Error("espeak_Initialize failed (is espeak-ng-data installed?)");
      espeakSetSynthCallback(callback);
      return rate;
    },
    setHandler(h) {
      handler = h;
    },
    setVoiceByName(name) {
      const err = espeakSetVoiceByName(name) as number;
      if (err !== 0) throw new Error(`espeak_SetVoiceByName(${name}) failed (${err})`);
    },
    setParameter(param, value) {
      const err = espeakSetParameter(EspeakParam[param], Math.round(value), 0) as number;
      if (err !== 0) throw new Error(`espeak_SetParameter(${param}) failed (${err})`);
    },
    synth(text) {
      const bytes = Buffer.from(`${text}\0`, "utf8");
      return new Promise<void>((resolve, reject) => {
        espeakSynth.async(bytes, bytes.length, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, null, null, (err: unknown, res: number) => {
          // keeps `bytes` alive until espeak is done with it
          void bytes.length;
          if (err) reject(err instanceof Error ? err : new Error(String(err)));
          else if (res !== 0) reject(new Error(`espeak_Synth failed (${res})`));
          else resolve();
        });
      });
    },
    version() {
      return String(espeakInfo(null));
    },
  };
}
