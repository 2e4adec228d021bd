/**
 * Lip-sync for TTS that gives audio only (F5 and other servers): each utterance of the reply (cut at the
 * end or at a pause) is segmented into phones by PocketSphinx's allphone search, and the phones go to the
 * inner lip-sync (built-in by default) as if the TTS had timed them. A wrapper: the inner lip-sync does the
 * face. When the TTS does give phonemes, they pass straight through; when recognition fails or is later
 * than `maxWaitMs` after its utterance is complete, that utterance goes on from audio alone; languages other
 * than English go on from audio alone (the model is en-us).
 */
import { LIP_FPS } from "@mirror/protocol";
import { StreamResampler } from "../../../audio/pcm.js";
import type { LipFrame, Lipsync, LipsyncInput, LipsyncOptions, LipsyncSession } from "../../../core/contracts/lipsync.js";
import { createBuiltinLipsync } from "../builtin/index.js";
import { RECOGNIZER_RATE, SphinxPhoneRecognizer, type PhoneRecognizerOptions, type PhoneSegment } from "./phone-recognizer.js";

export interface AllphoneLipsyncOptions {
  /** the lip-sync that turns phones and audio into frames (default: built-in) */
  inner?: Lipsync;
  recognizer?: PhoneRecognizerOptions;
  /** how long a complete utterance may wait for its phones before it goes on without them (ms, default 300) */
  maxWaitMs?: number;
  /** a quiet stretch this long ends an utterance (ms, default 150) */
  pauseMs?: number;
  /** an utterance is cut here at the latest, so a reply without pauses does not wait for its end (ms, default 2500) */
  maxUtteranceMs?: number;
}

const QUIET_DB = -45;

export function createAllphoneLipsync(opts: AllphoneLipsyncOptions = {}): Lipsync {
  const inner = opts.inner ?? createBuiltinLipsync();
  const recognizer = new SphinxPhoneRecognizer(opts.recognizer);
  const settings = { maxWaitMs: opts.maxWaitMs ?? 300, pauseMs: opts.pauseMs ?? 150, maxUtteranceMs: opts.maxUtteranceMs ?? 2500 };
  return {
    info: { id: "lipsync/allphone", stage: "lipsync", languages: "any", local: true },
    capabilities: { usesTimings: true, fps: inner.capabilities.fps ?? LIP_FPS },
    open: (o) => new AllphoneSession(inner.open(o), o, recognizer, settings),
    async warmup() {
      await Promise.all([inner.warmup?.(), recognizer.load().then(() => recognizer.recognize(new Int16Array(RECOGNIZER_RATE / 5)))]);
    },
    async close() {
      await Promise.all([recognizer.close(), inner.close?.()]);
    },
  };
}

class AllphoneSession implements LipsyncSession {
  readonly frames: AsyncIterable<LipFrame>;
  private pending: Float32Array[] = [];
  private pendingStart = 0;
  private pendingLength = 0;
  private spoke = false;
  private passthrough = false;
  private chain: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly inner: LipsyncSession,
    private readonly o: LipsyncOptions,
    private readonly recognizer: SphinxPhoneRecognizer,
    private readonly settings: { maxWaitMs: number; pauseMs: number; maxUtteranceMs: number },
  ) {
    this.frames = inner.frames;
    // the acoustic model is US English: other languages' phones would be guessed from the wrong inventory
    this.passthrough = o.language !== "en";
    o.signal.addEventListener("abort", () => (this.stopped = true), { once: true });
  }

  push(input: LipsyncInput): void {
    if (this.stopped) return;
    if (input.type === "phoneme" && !this.passthrough) {
      // the TTS times its phonemes: nothing to recognize, whatever was held goes on as it is
      this.passthrough = true;
      const held = this.take();
      this.chain = this.chain.then(() => held.forEach((x) => this.inner.push(x)));
    }
    if (this.passthrough) {
      this.chain = this.chain.then(() => this.inner.push(input));
      return;
    }
    if (input.type === "audio") {
      if (this.pendingLength === 0) this.pendingStart = input.sample;
      this.pending.push(input.pcm);
      this.pendingLength += input.pcm.length;
      if (this.endsInPause() || this.pendingLength >= (this.settings.maxUtteranceMs / 1000) * this.o.sampleRate) this.cut();
    } else if (input.type === "end") {
      this.cut();
      this.chain = this.chain.then(() => this.inner.push(input));
    }
  }

  /** the held audio has had voice and now ends in `pauseMs` of quiet */
  private endsInPause(): boolean {
    const last = this.pending[this.pending.length - 1]!;
    const bin = Math.round(this.o.sampleRate * 0.01);
    for (let i = 0; i + bin <= last.length; i += bin) if (rmsDb(last, i, bin) > QUIET_DB) this.spoke = true;
    if (!this.spoke) return false;
    const need = Math.round((this.settings.pauseMs / 1000) * this.o.sampleRate);
    let quiet = 0;
    for (let k = this.pending.length - 1; k >= 0 && quiet < need; k--) {
      const chunk = this.pending[k]!;
      for (let i = chunk.length - bin; i >= 0 && quiet < need; i -= bin) {
        if (rmsDb(chunk, i, bin) > QUIET_DB) return false;
        quiet += bin;
      }
    }
    return quiet >= need;
  }

  private take(): LipsyncInput[] {
    const out: LipsyncInput[] = [];
    let at = this.pendingStart;
    for (const pcm of this.pending) {
      out.push({ type: "audio", pcm, sample: at });
      at += pcm.length;
    }
    this.pending = [];
    this.pendingLength = 0;
    this.spoke = false;
    return out;
  }

  /** Sends the held utterance for recognition; it reaches the inner lip-sync in order, phones first. */
  private cut(): void {
    if (this.pendingLength === 0) return;
    const start = this.pendingStart;
    const audio = this.take();
    const phones = this.phonesOf(audio);
    this.chain = this.chain.then(async () => {
      const segs = await phones;
      if (this.stopped) return;
      const sr = this.o.sampleRate;
      for (const s of segs ?? []) {
        this.inner.push({ type: "phoneme", phoneme: s.phone, alphabet: "arpabet", startSample: start + Math.round(s.start * sr), endSample: start + Math.round(s.end * sr) });
      }
      for (const a of audio) this.inner.push(a);
    });
  }

  /** null when recognition fails or misses its deadline: the utterance then goes on from audio alone */
  private phonesOf(audio: LipsyncInput[]): Promise<PhoneSegment[] | null> {
    const rs = new StreamResampler(this.o.sampleRate, RECOGNIZER_RATE);
    const parts = audio.map((a) => (a.type === "audio" ? rs.push(a.pcm) : new Float32Array(0)));
    const n = parts.reduce((s, p) => s + p.length, 0);
    const pcm = new Int16Array(n);
    let at = 0;
    for (const p of parts) for (let i = 0; i < p.length; i++) pcm[at++] = Math.max(-32768, Math.min(32767, Math.round((p[i] ?? 0) * 32767)));
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), this.settings.maxWaitMs)));
    const recognized = this.recognizer.recognize(pcm).catch(() => null);
    return Promise.race([recognized, late]).finally(() => clearTimeout(timer));
  }
}

function rmsDb(pcm: Float32Array, from: number, n: number): number {
  let e = 0;
  for (let i = from; i < from + n; i++) e += (pcm[i] ?? 0) ** 2;
  return 10 * Math.log10(e / n + 1e-12);
}
