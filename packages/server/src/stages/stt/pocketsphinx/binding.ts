import koffi from "koffi";

/** An opaque C pointer as koffi hands it over. */
export type Pointer = object;

/** The part of the pocketsphinx 5prealpha / sphinxbase C API that streaming recognition needs. */
export interface SphinxBinding {
  /** cmd_ln_init with "-key value" pairs; null when a flag is unknown or a value invalid */
  config(args: Readonly<Record<string, string>>): Pointer | null;
  freeConfig(cfg: Pointer): void;
  /** ps_init on a worker thread (loading the models takes ~0.7 s) */
  init(cfg: Pointer): Promise<Pointer | null>;
  free(ps: Pointer): void;
  startUtt(ps: Pointer): number;
  processRaw(ps: Pointer, pcm: Int16Array): number;
  /** ps_end_utt on a worker thread: the second search pass takes ~0.1 s */
  endUtt(ps: Pointer): Promise<number>;
  hyp(ps: Pointer): string | null;
  /** posterior probability (0..1) of each word of the best path; fillers and sentence marks left out */
  wordPosteriors(ps: Pointer): { word: string; posterior: number }[];
}

export interface SphinxLibraries {
  pocketsphinx: string;
  sphinxbase: string;
}

const cache = new Map<string, SphinxBinding>();

/** Loads the libraries once per path pair; throws the loader's error when they are missing. */
export function loadSphinx(libs: SphinxLibraries): SphinxBinding {
  const key = `${libs.pocketsphinx}\0${libs.sphinxbase}`;
  let b = cache.get(key);
  if (!b) {
    b = bind(libs);
    cache.set(key, b);
  }
  return b;
}

function bind(libs: SphinxLibraries): SphinxBinding {
  const sb = koffi.load(libs.sphinxbase);
  const ps = koffi.load(libs.pocketsphinx);

  const cmdLnInit = sb.func("void *cmd_ln_init(void *inout, const void *defn, int strict, ...)");
  const cmdLnFree = sb.func("int cmd_ln_free_r(void *cmdln)");
  const errSetLogfile = sb.func("int err_set_logfile(const char *path)");
  const logmathExp = sb.func("double logmath_exp(void *lmath, int logb_p)");
  const psArgs = ps.func("const void *ps_args(void)");
  const psInit = ps.func("void *ps_init(void *config)");
  const psFree = ps.func("int ps_free(void *ps)");
  const psStartUtt = ps.func("int ps_start_utt(void *ps)");
  const psEndUtt = ps.func("int ps_end_utt(void *ps)");
  const psProcessRaw = ps.func("int ps_process_raw(void *ps, const int16_t *data, size_t n, int no_search, int full_utt)");
  const psGetHyp = ps.func("const char *ps_get_hyp(void *ps, _Out_ int32_t *score)");
  const psGetLogmath = ps.func("void *ps_get_logmath(void *ps)");
  // 5prealpha builds differ on whether ps_seg_iter takes the score pointer; passing one is harmless either way
  const psSegIter = ps.func("void *ps_seg_iter(void *ps, _Out_ int32_t *score)");
  const psSegNext = ps.func("void *ps_seg_next(void *seg)");
  const psSegWord = ps.func("const char *ps_seg_word(void *seg)");
  const psSegProb = ps.func("int32_t ps_seg_prob(void *seg, _Out_ int32_t *ascr, _Out_ int32_t *lscr, _Out_ int32_t *lback)");

  // Logging goes to /dev/null once for the process: a per-decoder "-logfn" would make every ps_init
  // reopen the global log file and fclose the one a decoder on another thread may be writing to.
  errSetLogfile("/dev/null");

  const async = (fn: { async: (...args: unknown[]) => void }, ...args: unknown[]) =>
    new Promise<unknown>((resolve, reject) => fn.async(...args, (err: unknown, res: unknown) => (err ? reject(err) : resolve(res))));

  return {
    config(args) {
      const varargs: (string | null)[] = [];
      for (const [k, v] of Object.entries(args)) varargs.push("str", k.startsWith("-") ? k : `-${k}`, "str", v);
      return (cmdLnInit(null, psArgs(), 1, ...varargs, "str", null) as Pointer | null) ?? null;
    },
    freeConfig: (cfg) => void cmdLnFree(cfg),
    init: async (cfg) => ((await async(psInit, cfg)) as Pointer | null) ?? null,
    free: (p) => void psFree(p),
    startUtt: (p) => psStartUtt(p) as number,
    processRaw: (p, pcm) => psProcessRaw(p, pcm, pcm.length, 0, 0) as number,
    endUtt: async (p) => (await async(psEndUtt, p)) as number,
    hyp: (p) => psGetHyp(p, [0]) as string | null,
    wordPosteriors(p) {
      const lmath = psGetLogmath(p) as Pointer;
      const out: { word: string; posterior: number }[] = [];
      for (let seg = psSegIter(p, [0]) as Pointer | null; seg; seg = psSegNext(seg) as Pointer | null) {
        const word = String(psSegWord(seg)).replace(/\(\d+\)$/, "");
        const posterior = logmathExp(lmath, psSegProb(seg, [0], [0], [0])) as number;
        if (!/^(<.*>|\[.*\]|<sil>)$/.test(word)) out.push({ word, posterior });
      }
      return out;
    },
  };
}
