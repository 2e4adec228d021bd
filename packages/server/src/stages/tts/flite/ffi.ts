/**
 * koffi binding of libflite 2.2 (Debian `flite`/`libflite1`): the clustergen voices slt (female), rms and
 * awb (male), streamed through flite's audio-streaming callback, with the phone segments of each utterance.
 * Struct layouts are flite's public headers (cst_wave.h, cst_voice.h, cst_audio.h, cst_cg.h) on LP64.
 */
import koffi from "koffi";

export const FLITE_VOICES = ["slt", "rms", "awb"] as const;
export type FliteVoiceName = (typeof FLITE_VOICES)[number];

/** cst_audio.h: the callback's "keep going" and "stop" answers */
const STREAM_CONT = 0;
const STREAM_STOP = -1;
/** offsets in cst_cg_db (cst_cg.h, LP64): sample_rate, f0_mean, mlsa_alpha, mlsa_beta */
const CG_SAMPLE_RATE = 20;
const CG_F0_MEAN = 24;
const CG_MLSA_ALPHA = 204;
const CG_MLSA_BETA = 208;
const CG_DB_SIZE = 280;
/** flite hands over audio in stretches of at least this many samples (20 ms at 16 kHz) */
const MIN_STREAM_SAMPLES = 320;

export interface FliteSegment {
  /** ARPAbet-like phone name, lower case; "pau" for pauses */
  phone: string;
  /** end time in seconds from the start of the utterance */
  end: number;
}

/**
 * Called on flite's worker thread (through koffi, run on the JS thread) for each stretch of samples.
 * Return true to stop synthesis.
 */
export type StreamHandler = (pcm: Int16Array, last: boolean, segments: () => FliteSegment[]) => boolean;

export interface FliteVoiceHandle {
  readonly name: FliteVoiceName;
  readonly sampleRate: number;
  /** the voice's own mean F0 (its training data), Hz */
  readonly baseF0Hz: number;
  /** the mel-cepstral warping factor the voice was trained with */
  readonly baseAlpha: number;
  setFloat(feature: string, value: number): void;
  /** sets the all-pass warping used at synthesis; values away from baseAlpha move the formants */
  setAlpha(alpha: number): void;
  /** runs flite_synth_text on a koffi worker thread; the handler gets the audio as it is made */
  synth(text: string, handler: StreamHandler): Promise<void>;
}

export interface FliteLib {
  voice(name: FliteVoiceName): FliteVoiceHandle;
}

let loaded: FliteLib | null = null;
let loadError: Error | null = null;

/** The process's flite (its voices are global: one synthesis at a time per voice). */
export function loadFlite(): FliteLib {
  if (loaded) return loaded;
  if (loadError) throw loadError;
  try {
    loaded = bind();
    return loaded;
  } catch (err) {
    loadError = err instanceof Error ? err : new Error(String(err));
    throw loadError;
  }
}

function bind(): FliteLib {
  const lib = koffi.load("libflite.so.1");
  const Wave = koffi.struct("cst_wave", { type: "const char *", sample_rate: "int", num_samples: "int", num_channels: "int", samples: "int16_t *" });
  const Voice = koffi.struct("cst_voice", { name: "const char *", features: "void *", ffunctions: "void *", utt_init: "void *" });
  const StreamCb = koffi.proto("int flite_asc(void *w, int start, int size, int last, void *asi)");
  const StreamInfo = koffi.struct("cst_audio_streaming_info", {
    min_buffsize: "int",
    asc: "void *",
    utt: "void *",
    item: "void *",
    userdata: "void *",
  });

  const fliteInit = lib.func("int flite_init()");
  // flite keeps the feature-name pointer it is given, so names live in memory that is never freed
  const names = new Map<string, unknown>();
  const cstr = (name: string): unknown => {
    let p = names.get(name);
    if (!p) {
      const bytes = Buffer.from(`${name}\0`, "utf8");
      p = koffi.alloc("char", bytes.length);
      koffi.encode(p, "char", bytes, bytes.length);
      names.set(name, p);
    }
    return p;
  };
  const featSetFloatRaw = lib.func("void flite_feat_set_float(void *f, void *name, float v)");
  const featSetRaw = lib.func("void flite_feat_set(void *f, void *name, void *v)");
  const featValRaw = lib.func("void *feat_val(void *f, void *name)");
  const featSetFloat = (f: unknown, name: string, v: number) => featSetFloatRaw(f, cstr(name), v);
  const featSet = (f: unknown, name: string, v: unknown) => featSetRaw(f, cstr(name), v);
  const featVal = (f: unknown, name: string): unknown => featValRaw(f, cstr(name));
  const valCgDb = lib.func("void *val_cg_db(void *v)");
  const cgDbVal = lib.func("void *cg_db_val(void *db)");
  const newStreamInfo = lib.func("cst_audio_streaming_info *new_audio_streaming_info()");
  const streamInfoVal = lib.func("void *audio_streaming_info_val(cst_audio_streaming_info *asi)");
  const synthText = lib.func("void *flite_synth_text(const char *text, cst_voice *voice)");
  const deleteUtt = lib.func("void delete_utterance(void *u)");
  const uttRelation = lib.func("void *utt_relation(void *u, const char *name)");
  const relationHead = lib.func("void *relation_head(void *r)");
  const itemNext = lib.func("void *item_next(void *i)");
  const itemFeatString = lib.func("const char *item_feat_string(void *i, const char *name)");
  const itemFeatFloat = lib.func("float item_feat_float(void *i, const char *name)");
  fliteInit();

  const segmentsOf = (utt: unknown): FliteSegment[] => {
    const out: FliteSegment[] = [];
    if (!utt) return out;
    const rel = uttRelation(utt, "Segment");
    for (let it = rel ? relationHead(rel) : null; it; it = itemNext(it)) {
      out.push({ phone: String(itemFeatString(it, "name")), end: Number(itemFeatFloat(it, "end")) });
    }
    return out;
  };

  let handler: StreamHandler = () => true;
  const callback = koffi.register(
    (w: unknown, start: number, size: number, last: number, asi: unknown): number => {
      try {
        const wave = koffi.decode(w, Wave) as { samples: unknown };
        const pcm = size > 0 ? (koffi.decode(wave.samples, start * 2, "int16_t", size) as Int16Array) : new Int16Array(0);
        const utt = (koffi.decode(asi, StreamInfo) as { utt: unknown }).utt;
        return handler(Int16Array.from(pcm), last !== 0, () => segmentsOf(utt)) ? STREAM_STOP : STREAM_CONT;
      } catch {
        return STREAM_STOP;
      }
    },
    koffi.pointer(StreamCb),
  );

  const voices = new Map<FliteVoiceName, FliteVoiceHandle>();
  const makeVoice = (name: FliteVoiceName): FliteVoiceHandle => {
    const vlib = koffi.load(`libflite_cmu_us_${name}.so.1`);
    const register = vlib.func(`cst_voice *register_cmu_us_${name}(const char *voxdir)`);
    const vox = register(null) as unknown;
    if (!vox) throw new Error(`register_cmu_us_${name} failed`);
    const features = (koffi.decode(vox, Voice) as { features: unknown }).features;
    const shipped = valCgDb(featVal(features, "cg_db"));
    // the shipped cst_cg_db is read-only after relocation: synthesis runs on a private copy
    const db = koffi.alloc("uint8_t", CG_DB_SIZE);
    koffi.encode(db, "uint8_t", koffi.decode(shipped, "uint8_t", CG_DB_SIZE) as Uint8Array, CG_DB_SIZE);
    const sampleRate = koffi.decode(db, CG_SAMPLE_RATE, "int") as number;
    const baseF0Hz = koffi.decode(db, CG_F0_MEAN, "float") as number;
    const baseAlpha = koffi.decode(db, CG_MLSA_ALPHA, "float") as number;
    const beta = koffi.decode(db, CG_MLSA_BETA, "float") as number;
    // a different flite build with another cst_cg_db layout shows up here, not as a crash later
    if (sampleRate !== 16000 || !(baseF0Hz > 50 && baseF0Hz < 400) || !(baseAlpha > 0.3 && baseAlpha < 0.6) || !(beta >= 0 && beta < 1)) {
      throw new Error(`unexpected cst_cg_db layout in ${name} (rate ${sampleRate}, f0 ${baseF0Hz}, alpha ${baseAlpha})`);
    }
    const asi = newStreamInfo() as unknown;
    koffi.encode(asi, 0, "int", MIN_STREAM_SAMPLES);
    // a registered callback is written by address: encoding it as a typed pointer stores something else
    koffi.encode(asi, 8, "uint64_t", koffi.address(callback));
    featSet(features, "streaming_info", streamInfoVal(asi));
    featSet(features, "cg_db", cgDbVal(db));
    return {
      name,
      sampleRate,
      baseF0Hz,
      baseAlpha,
      setFloat(feature, value) {
        featSetFloat(features, feature, value);
      },
      setAlpha(alpha) {
        koffi.encode(db, CG_MLSA_ALPHA, "float", alpha);
      },
      synth(text, h) {
        handler = h;
        const bytes = Buffer.from(`${text}\0`, "utf8");
        return new Promise<void>((resolve, reject) => {
          synthText.async(bytes, vox, (err: unknown, utt: unknown) => {
            void bytes.length;
            handler = () => true;
            if (utt) deleteUtt(utt);
            if (err) reject(err instanceof Error ? err : new Error(String(err)));
            else if (!utt) reject(new Error("flite_synth_text failed"));
            else resolve();
          });
        });
      },
    };
  };

  return {
    voice(name) {
      let v = voices.get(name);
      if (!v) {
        v = makeVoice(name);
        voices.set(name, v);
      }
      return v;
    },
  };
}
