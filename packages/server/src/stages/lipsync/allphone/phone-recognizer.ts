/**
 * Phone segmentation with PocketSphinx's allphone search (Debian's en-us acoustic model and phone LM):
 * 16 kHz PCM in, CMU phones (ARPAbet) with 10 ms frame times out. One decoder per recognizer, utterances
 * one after another (a queue), the search's final pass on a worker thread.
 */
import { existsSync } from "node:fs";
import koffi from "koffi";
import { ProviderError } from "../../../core/errors.js";
import { loadSphinx, type Pointer, type SphinxBinding } from "../../stt/pocketsphinx/binding.js";

export interface PhoneSegment {
  /** ARPAbet phone, SIL for silence */
  phone: string;
  /** seconds from the start of the utterance */
  start: number;
  end: number;
}

export interface PhoneRecognizerOptions {
  modelDir?: string;
  libPocketsphinx?: string;
  libSphinxbase?: string;
  /** extra decoder flags ("-lw": "2.0", …) over the defaults */
  args?: Readonly<Record<string, string>>;
}

const ID = "lipsync/allphone";
const MODEL_DIR = "/usr/share/pocketsphinx/model/en-us";
const FRAME_S = 0.01;
export const RECOGNIZER_RATE = 16000;

interface Segs {
  iter(ps: Pointer): PhoneSegment[];
}

export class SphinxPhoneRecognizer {
  private sphinx: SphinxBinding | null = null;
  private segs: Segs | null = null;
  private decoder: Promise<Pointer> | null = null;
  private tail: Promise<unknown> = Promise.resolve();
  private readonly o: Required<PhoneRecognizerOptions>;

  constructor(opts: PhoneRecognizerOptions = {}) {
    this.o = {
      modelDir: opts.modelDir ?? MODEL_DIR,
      libPocketsphinx: opts.libPocketsphinx ?? "libpocketsphinx.so.3",
      libSphinxbase: opts.libSphinxbase ?? "libsphinxbase.so.3",
      args: opts.args ?? {},
    };
  }

  /** Phones of one utterance (16 kHz mono int16); utterances queue behind each other. */
  recognize(pcm: Int16Array): Promise<PhoneSegment[]> {
    const run = this.tail.then(async () => {
      const ps = await this.load();
      const sphinx = this.sphinx!;
      if (sphinx.startUtt(ps) < 0) throw new ProviderError(ID, "ps_start_utt failed", { retryable: true });
      sphinx.processRaw(ps, pcm);
      if ((await sphinx.endUtt(ps)) < 0) throw new ProviderError(ID, "ps_end_utt failed", { retryable: true });
      return this.segs!.iter(ps);
    });
    this.tail = run.catch(() => undefined);
    return run;
  }

  load(): Promise<Pointer> {
    this.decoder ??= this.open();
    return this.decoder;
  }

  /** Frees the decoder once the utterances already queued are done (freeing it under a running search crashes). */
  async close(): Promise<void> {
    const d = this.decoder;
    this.decoder = null;
    if (!d) return;
    await this.tail;
    const ps = await d.catch(() => null);
    if (ps) this.sphinx?.free(ps);
  }

  private async open(): Promise<Pointer> {
    const hmm = `${this.o.modelDir}/en-us`;
    const lm = `${this.o.modelDir}/en-us-phone.lm.bin`;
    for (const path of [hmm, lm]) {
      if (!existsSync(path)) throw new ProviderError(ID, `model file missing: ${path} (Debian: apt-get install pocketsphinx-en-us)`, { retryable: false });
    }
    try {
      this.sphinx = loadSphinx({ pocketsphinx: this.o.libPocketsphinx, sphinxbase: this.o.libSphinxbase });
      this.segs = bindSegments(this.o.libPocketsphinx);
    } catch (err) {
      throw new ProviderError(ID, `cannot load ${this.o.libPocketsphinx}: ${err instanceof Error ? err.message : String(err)}`, { retryable: false });
    }
    // context-independent phones: the context-dependent search is several times slower than real time here
    const cfg = this.sphinx.config({ "-hmm": hmm, "-allphone": lm, "-allphone_ci": "yes", "-lw": "1.0", "-pip": "1.0", "-beam": "1e-20", "-pbeam": "1e-20", ...this.o.args });
    if (!cfg) throw new ProviderError(ID, "pocketsphinx rejected the allphone configuration", { retryable: false });
    const ps = await this.sphinx.init(cfg);
    if (!ps) throw new ProviderError(ID, `decoder failed to load ${hmm}`, { retryable: false });
    return ps;
  }
}

function bindSegments(lib: string): Segs {
  const ps = koffi.load(lib);
  const segIter = ps.func("void *ps_seg_iter(void *ps, _Out_ int32_t *score)");
  const segNext = ps.func("void *ps_seg_next(void *seg)");
  const segWord = ps.func("const char *ps_seg_word(void *seg)");
  const segFrames = ps.func("void ps_seg_frames(void *seg, _Out_ int *sf, _Out_ int *ef)");
  return {
    iter(p) {
      const out: PhoneSegment[] = [];
      // the decoder's frame count runs on across utterances; the first segment starts the utterance
      let first: number | null = null;
      for (let seg = segIter(p, [0]) as Pointer | null; seg; seg = segNext(seg) as Pointer | null) {
        const sf = [0];
        const ef = [0];
        segFrames(seg, sf, ef);
        first ??= sf[0] ?? 0;
        out.push({ phone: String(segWord(seg)), start: ((sf[0] ?? 0) - first) * FRAME_S, end: ((ef[0] ?? 0) + 1 - first) * FRAME_S });
      }
      return out;
    },
  };
}
