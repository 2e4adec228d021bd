import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIC_FRAME_SAMPLES, MIC_SAMPLE_RATE } from "@mirror/protocol";
import { float32ToInt16, rms, toDbfs } from "../../audio/pcm.js";
import type { Vad, VadEvent, VadPushContext, VadSession } from "../../core/contracts/vad.js";
import { synthesizeSpeech } from "./stt.contract.js";

const SR = MIC_SAMPLE_RATE;
const ms = (n: number) => Math.round((n * SR) / 1000);

/** Deterministic white noise at a given RMS level (dBFS). */
export function noise(samples: number, dbfs: number, seed = 1): Float32Array {
  const out = new Float32Array(samples);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < samples; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return scaleTo(out, dbfs);
}

/** A vowel-like harmonic tone (f0 140 Hz, 12 harmonics falling 6 dB/octave) at a given RMS level. */
export function voiced(samples: number, dbfs: number): Float32Array {
  const out = new Float32Array(samples);
  for (let i = 0; i < samples; i++) {
    let v = 0;
    for (let k = 1; k <= 12; k++) v += Math.sin((2 * Math.PI * 140 * k * i) / SR) / k;
    out[i] = v;
  }
  return scaleTo(out, dbfs);
}

export function scaleTo(pcm: Float32Array, dbfs: number): Float32Array {
  const gain = 10 ** (dbfs / 20) / Math.max(1e-9, rms(pcm));
  return pcm.map((v) => v * gain);
}

/** Adds `over` onto `base` starting at `at` (base is copied). */
export function mixAt(base: Float32Array, over: Float32Array, at: number): Float32Array {
  const out = base.slice();
  for (let i = 0; i < over.length && at + i < out.length; i++) out[at + i] = (out[at + i] ?? 0) + (over[i] ?? 0);
  return out;
}

export interface TimedEvent {
  event: VadEvent;
  /** session position after the push that returned the event */
  at: number;
}

/** Pushes `pcm` in chunks of `chunk` samples (or a cycle of chunk sizes) and collects the events. */
export function runVad(session: VadSession, pcm: Int16Array, chunk: number | number[] = MIC_FRAME_SAMPLES, ctx?: VadPushContext): TimedEvent[] {
  const sizes = Array.isArray(chunk) ? chunk : [chunk];
  const out: TimedEvent[] = [];
  for (let i = 0, k = 0; i < pcm.length; k++) {
    const n = sizes[k % sizes.length] ?? MIC_FRAME_SAMPLES;
    for (const event of session.push(pcm.subarray(i, i + n), ctx)) out.push({ event, at: session.position });
    i += n;
  }
  return out;
}

/** Background noise with tone bursts at [startMs, durationMs, dbfs]; returns the signal and burst bounds in samples. */
export function bursts(totalMs: number, floorDb: number, parts: [number, number, number][]): { pcm: Int16Array; bounds: [number, number][] } {
  let sig = noise(ms(totalMs), floorDb);
  const bounds: [number, number][] = [];
  for (const [start, dur, db] of parts) {
    sig = mixAt(sig, voiced(ms(dur), db), ms(start));
    bounds.push([ms(start), ms(start) + ms(dur)]);
  }
  return { pcm: float32ToInt16(sig), bounds };
}

/**
 * Real speech to cut bursts from: flite slt saying an all-voiced sentence, trimmed to where it is loud (> -30 dBFS
 * per 20 ms frame), so any cut of it is speech from its first sample to its last. A neural VAD (Silero) does not take
 * the harmonic tones of `voiced()` for speech, so the timing cases use this.
 */
export async function loadSpeechSource(dir: string): Promise<Float32Array> {
  const pcm = await synthesizeSpeech("We were away a year ago.", dir);
  const loud: number[] = [];
  for (let f = 0; (f + 1) * MIC_FRAME_SAMPLES <= pcm.length; f++) if (toDbfs(rms(pcm, f * MIC_FRAME_SAMPLES, (f + 1) * MIC_FRAME_SAMPLES)) > -30) loud.push(f);
  const from = (loud[0] ?? 0) * MIC_FRAME_SAMPLES;
  const to = ((loud[loud.length - 1] ?? 0) + 1) * MIC_FRAME_SAMPLES;
  return Float32Array.from(pcm.subarray(from, to), (v) => v / 32768);
}

/** Like `bursts`, with cuts of `source` (5 ms fades) instead of tones; bursts longer than the source are refused. */
export function speechBursts(source: Float32Array, totalMs: number, floorDb: number, parts: [number, number, number][]): { pcm: Int16Array; bounds: [number, number][] } {
  let sig = noise(ms(totalMs), floorDb);
  const bounds: [number, number][] = [];
  const fade = ms(5);
  for (const [start, dur, db] of parts) {
    if (ms(dur) > source.length) throw new Error(`a ${dur} ms burst is longer than the ${Math.round(source.length / 16)} ms speech source`);
    const cut = source.slice(0, ms(dur));
    for (let i = 0; i < fade; i++) {
      cut[i] = (cut[i] ?? 0) * (i / fade);
      cut[cut.length - 1 - i] = (cut[cut.length - 1 - i] ?? 0) * (i / fade);
    }
    sig = mixAt(sig, scaleTo(cut, db), ms(start));
    bounds.push([ms(start), ms(start) + ms(dur)]);
  }
  return { pcm: float32ToInt16(sig), bounds };
}

export interface VadContractOptions {
  /** allowed error on event sample positions; one 20 ms frame unless the provider analyses longer frames */
  toleranceSamples?: number;
  /** allowed error on speech-end positions; default toleranceSamples (a neural VAD's probability decays for ~100 ms after the voice stops) */
  endToleranceSamples?: number;
}

const types = (evs: TimedEvent[]) => evs.map((e) => e.event.type);

export function vadContract(name: string, factory: () => Vad | Promise<Vad>, opts: VadContractOptions = {}): void {
  const tol = opts.toleranceSamples ?? MIC_FRAME_SAMPLES;
  const endTol = opts.endToleranceSamples ?? tol;

  describe(`VAD contract: ${name}`, () => {
    let vad: Vad;
    let source: Float32Array = new Float32Array(0);
    let sourceDir = "";
    const bursts = (totalMs: number, floorDb: number, parts: [number, number, number][]) => speechBursts(source, totalMs, floorDb, parts);
    beforeAll(async () => {
      sourceDir = await mkdtemp(join(tmpdir(), "mirror-vad-source-"));
      source = await loadSpeechSource(sourceDir);
      vad = await factory();
      await vad.warmup?.();
    });
    afterAll(async () => {
      await vad.close?.();
      if (sourceDir) await rm(sourceDir, { recursive: true, force: true });
    });

    it("describes itself as a 16 kHz VAD", () => {
      expect(vad.info.stage).toBe("vad");
      expect(vad.capabilities.sampleRate).toBe(16000);
    });

    it("reports nothing for digital silence or a steady quiet room", () => {
      for (const pcm of [new Int16Array(ms(3000)), float32ToInt16(noise(ms(3000), -60)), float32ToInt16(noise(ms(3000), -45, 7))]) {
        const s = vad.open();
        expect(runVad(s, pcm)).toEqual([]);
        expect(s.speaking).toBe(false);
        expect(s.position).toBe(pcm.length);
      }
    });

    it("gives speech-start at the first voiced frame and speech-end at the last one", () => {
      const { pcm, bounds } = bursts(3000, -60, [[1000, 600, -20]]);
      const [b0, b1] = bounds[0]!;
      const s = vad.open();
      const evs = runVad(s, pcm);
      expect(types(evs)).toEqual(["speech-start", "speech-end"]);
      expect(Math.abs(evs[0]!.event.sample - b0)).toBeLessThanOrEqual(tol);
      expect(Math.abs(evs[1]!.event.sample - b1)).toBeLessThanOrEqual(endTol);
      expect(s.speaking).toBe(false);
    });

    it("is speaking between the events", () => {
      const { pcm } = bursts(2000, -60, [[500, 800, -20]]);
      const s = vad.open();
      runVad(s, pcm.subarray(0, ms(1100)));
      expect(s.speaking).toBe(true);
      runVad(s, pcm.subarray(ms(1100)));
      expect(s.speaking).toBe(false);
    });

    it("waits minSpeechMs of speech before speech-start, and ignores shorter blips", () => {
      const { pcm, bounds } = bursts(2500, -60, [[1000, 500, -20]]);
      for (const minSpeechMs of [120, 200]) {
        const evs = runVad(vad.open({ minSpeechMs }), pcm);
        expect(evs[0]!.at).toBeGreaterThanOrEqual(bounds[0]![0] + ms(minSpeechMs) - tol);
        expect(evs[0]!.at).toBeLessThanOrEqual(bounds[0]![0] + ms(minSpeechMs) + 2 * tol);
        expect(Math.abs(evs[0]!.event.sample - bounds[0]![0])).toBeLessThanOrEqual(tol);
      }

      expect(runVad(vad.open(), bursts(2000, -60, [[1000, 60, -15]]).pcm)).toEqual([]);
      const mid = bursts(2500, -60, [[1000, 200, -20]]).pcm;
      expect(types(runVad(vad.open(), mid))).toEqual(["speech-start", "speech-end"]);
      expect(runVad(vad.open({ minSpeechMs: 300 }), mid)).toEqual([]);
    });

    it("respects the hangover: speech-end comes hangoverMs after the last voiced frame, not sooner", () => {
      const { pcm, bounds } = bursts(3000, -60, [[800, 500, -20]]);
      const end = bounds[0]![1];
      for (const hangoverMs of [550, 300, 900]) {
        const s = vad.open({ hangoverMs });
        const evs = runVad(s, pcm);
        expect(types(evs)).toEqual(["speech-start", "speech-end"]);
        expect(evs[1]!.at).toBeGreaterThanOrEqual(end + ms(hangoverMs) - tol);
        expect(evs[1]!.at).toBeLessThanOrEqual(end + ms(hangoverMs) + endTol + tol);
        expect(Math.abs(evs[1]!.event.sample - end)).toBeLessThanOrEqual(endTol);
      }
    });

    it("bridges a pause shorter than the hangover", () => {
      const { pcm, bounds } = bursts(3500, -60, [[800, 400, -20], [1500, 400, -22]]);
      const evs = runVad(vad.open(), pcm);
      expect(types(evs)).toEqual(["speech-start", "speech-end"]);
      expect(Math.abs(evs[0]!.event.sample - bounds[0]![0])).toBeLessThanOrEqual(tol);
      expect(Math.abs(evs[1]!.event.sample - bounds[1]![1])).toBeLessThanOrEqual(endTol);
      // the same pause splits the speech when the hangover is shorter than it
      expect(types(runVad(vad.open({ hangoverMs: 200 }), pcm))).toEqual(["speech-start", "speech-end", "speech-start", "speech-end"]);
    });

    it("gives the same events whatever the push size", () => {
      const { pcm } = bursts(4000, -55, [[700, 700, -24], [2300, 500, -18]]);
      const ref = runVad(vad.open(), pcm).map((e) => e.event);
      expect(types(ref.map((event) => ({ event, at: 0 })))).toEqual(["speech-start", "speech-end", "speech-start", "speech-end"]);
      for (const chunk of [160, 480, 1000, [777, 13, 320, 4001], pcm.length]) {
        const s = vad.open();
        const got = runVad(s, pcm, chunk).map((e) => e.event);
        expect(got.map((e) => e.type)).toEqual(ref.map((e) => e.type));
        got.forEach((e, i) => expect(Math.abs(e.sample - ref[i]!.sample)).toBeLessThanOrEqual(tol));
        expect(s.position).toBe(pcm.length);
      }
    });

    it("echo guard: a brief quiet burst counts normally but not while the double speaks", () => {
      // 120 ms: the shortest that counts by default, and short enough that a decaying model tail stays under 250 ms
      const { pcm } = bursts(2500, -60, [[1000, 120, -35]]);
      expect(types(runVad(vad.open(), pcm))).toEqual(["speech-start", "speech-end"]);
      expect(runVad(vad.open(), pcm, MIC_FRAME_SAMPLES, { doubleSpeaking: true })).toEqual([]);
    });

    it("echo guard still lets a clear barge-in through", () => {
      const { pcm, bounds } = bursts(3000, -60, [[1000, 900, -15]]);
      const evs = runVad(vad.open(), pcm, MIC_FRAME_SAMPLES, { doubleSpeaking: true });
      expect(types(evs)).toEqual(["speech-start", "speech-end"]);
      expect(Math.abs(evs[0]!.event.sample - bounds[0]![0])).toBeLessThanOrEqual(tol);
    });

    it("reset() starts the sample count again", () => {
      const { pcm, bounds } = bursts(2500, -60, [[800, 500, -20]]);
      const s = vad.open();
      runVad(s, pcm.subarray(0, ms(1000)));
      expect(s.speaking).toBe(true);
      s.reset();
      expect(s.position).toBe(0);
      expect(s.speaking).toBe(false);
      const evs = runVad(s, pcm);
      expect(types(evs)).toEqual(["speech-start", "speech-end"]);
      expect(Math.abs(evs[0]!.event.sample - bounds[0]![0])).toBeLessThanOrEqual(tol);
    });

    describe("real speech (flite)", () => {
      let dir = "";
      beforeAll(async () => {
        dir = await mkdtemp(join(tmpdir(), "mirror-vad-"));
      });
      afterAll(async () => {
        if (dir) await rm(dir, { recursive: true, force: true });
      });

      it("finds one utterance spanning the spoken words, in room noise", async () => {
        const speech = await synthesizeSpeech("Hello, I would like to see what I look like when I am older.", dir);
        // where the clean speech is audible: first/last 20 ms frame above -45 dBFS
        const frames = Math.floor(speech.length / MIC_FRAME_SAMPLES);
        const loud: number[] = [];
        for (let f = 0; f < frames; f++) if (toDbfs(rms(speech, f * MIC_FRAME_SAMPLES, (f + 1) * MIC_FRAME_SAMPLES)) > -45) loud.push(f);
        const lead = ms(1000);
        const truthStart = lead + loud[0]! * MIC_FRAME_SAMPLES;
        const truthEnd = lead + (loud[loud.length - 1]! + 1) * MIC_FRAME_SAMPLES;
        const floatSpeech = Float32Array.from(speech, (v) => v / 32768);
        const pcm = float32ToInt16(mixAt(noise(lead + speech.length + ms(1500), -50, 3), floatSpeech, lead));
        const evs = runVad(vad.open(), pcm);
        expect(types(evs)).toEqual(["speech-start", "speech-end"]);
        expect(Math.abs(evs[0]!.event.sample - truthStart)).toBeLessThanOrEqual(ms(60));
        expect(Math.abs(evs[1]!.event.sample - truthEnd)).toBeLessThanOrEqual(ms(150));
      });
    });
  });
}
