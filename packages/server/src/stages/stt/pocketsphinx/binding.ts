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
  /** the dictionary's pronunciation ("JH AO R IH T"), or null for a word it lacks */
  lookupWord(ps: Pointer, word: string): string | null;
  /** ps_add_word; update=false leaves the searches as they are (no search exists yet in boost.ts) */
  addWord(ps: Pointer, word: string, phones: string, update: boolean): number;
  /** ngram_model_read (ARPA or binary, by content) with the decoder's config and log-math */
  readLm(ps: Pointer, path: string): Pointer | null;
  /** ngram_model_set_init: linear interpolation of the models with these weights (they retain the models) */
  interpolateLms(ps: Pointer, models: { lm: Pointer; name: string; weight: number }[]): Pointer | null;
  freeLm(lm: Pointer): void;
  /** ps_set_lm + ps_set_search: an n-gram search over the decoder's dictionary, made the active one */
  useLm(ps: Pointer, name: string, lm: Pointer): boolean;
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
  const heapStr = koffi.disposable("SphinxHeapStr", "str");
  const psLookupWord = ps.func("ps_lookup_word", heapStr, ["void *", "str"]);
  const psAddWord = ps.func("int ps_add_word(void *ps, const char *word, const char *phones, int update)");
  const psGetConfig = ps.func("void *ps_get_config(void *ps)");
  const psSetLm = ps.func("int ps_set_lm(void *ps, const char *name, void *lm)");
  const psSetSearch = ps.func("int ps_set_search(void *ps, const char *name)");
  const ngramRead = sb.func("void *ngram_model_read(void *config, const char *path, int type, void *lmath)");
  const ngramSetInit = sb.func("void *ngram_model_set_init(void *config, void **models, const char **names, const float *weights, int n)");
  const ngramFree = sb.func("int ngram_model_free(void *lm)");

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
    lookupWord: (p, word) => (psLookupWord(p, word) as string | null) ?? null,
    addWord: (p, word, phones, update) => psAddWord(p, word, phones, update ? 1 : 0) as number,
    // type 0 = NGRAM_AUTO
    readLm: (p, path) => (ngramRead(psGetConfig(p), path, 0, psGetLogmath(p)) as Pointer | null) ?? null,
    interpolateLms: (p, models) =>
      (ngramSetInit(
        psGetConfig(p),
        models.map((m) => m.lm),
        models.map((m) => m.name),
        models.map((m) => m.weight),
        models.length,
      ) as Pointer | null) ?? null,
    freeLm: (lm) => void ngramFree(lm),
    useLm: (p, name, lm) => psSetLm(p, name, lm) === 0 && psSetSearch(p, name) === 0,
  };
}
