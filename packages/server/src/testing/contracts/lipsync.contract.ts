import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARKIT_52, BLENDSHAPE_INDEX, LIP_FPS, MOUTH_SHAPES, OUTPUT_SAMPLE_RATE } from "@mirror/protocol";
import type { LipFrame, Lipsync, LipsyncInput, LipsyncSession } from "../../core/contracts/lipsync.js";

const SR = OUTPUT_SAMPLE_RATE;
const MOUTH = MOUTH_SHAPES.map((n) => BLENDSHAPE_INDEX[n]);

/**
 * Speech-like test audio: `silence` s of nothing, then `voiced` s of a 140 Hz buzz (harmonics under formant-ish
 * peaks) whose loudness rises and falls 5 times a second like syllables, then `silence` s again.
 */
export function speechLikeAudio(silence = 0.6, voiced = 1.2): { pcm: Float32Array; voicedFrom: number; voicedTo: number } {
  const a = Math.round(silence * SR);
  const b = a + Math.round(voiced * SR);
  const pcm = new Float32Array(b + a);
  for (let i = a; i < b; i++) {
    const t = (i - a) / SR;
    const syllable = 0.55 + 0.45 * Math.sin(2 * Math.PI * 5 * t - Math.PI / 2) ** 2;
    const edge = Math.min(1, t / 0.03, (voiced - t) / 0.03);
    let v = 0;
    for (let h = 1; h * 140 < 4000; h++) {
      const f = h * 140;
      const formants = 1 / (1 + ((f - 700) / 250) ** 2) + 0.5 / (1 + ((f - 1200) / 300) ** 2) + 0.2 / (1 + ((f - 2600) / 400) ** 2);
      v += formants * Math.sin(2 * Math.PI * f * t);
    }
    pcm[i] = 0.12 * syllable * edge * v;
  }
  return { pcm, voicedFrom: a, voicedTo: b };
}

/** ARPAbet phonemes ("hello, hello, how are you") spread over [from, to), with pauses around. */
export function phonemesFor(from: number, to: number, total: number): LipsyncInput[] {
  const labels = ["HH", "AH0", "L", "OW1", "HH", "AH0", "L", "OW1", "HH", "AW1", "AA1", "R", "Y", "UW1"];
  const step = (to - from) / labels.length;
  const out: LipsyncInput[] = [{ type: "phoneme", phoneme: "SIL", alphabet: "arpabet", startSample: 0, endSample: from }];
  labels.forEach((p, i) => {
    out.push({ type: "phoneme", phoneme: p, alphabet: "arpabet", startSample: Math.round(from + i * step), endSample: Math.round(from + (i + 1) * step) });
  });
  out.push({ type: "phoneme", phoneme: "SIL", alphabet: "arpabet", startSample: to, endSample: total });
  return out;
}

export async function collectFrames(session: LipsyncSession, timeoutMs = 10_000): Promise<LipFrame[]> {
  const frames: LipFrame[] = [];
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`lip-sync frames did not end within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([
      (async () => {
        for await (const f of session.frames) frames.push(f);
      })(),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
  return frames;
}

/** Pushes audio in 20 ms chunks, each preceded by the phonemes that start inside it (as a TTS would). */
export function pushTurn(session: LipsyncSession, pcm: Float32Array, phonemes: readonly LipsyncInput[] = [], chunk = 480): void {
  const pending = [...phonemes];
  for (let i = 0; i < pcm.length; i += chunk) {
    while (pending[0]?.type === "phoneme" && pending[0].startSample < i + chunk) session.push(pending.shift()!);
    session.push({ type: "audio", pcm: pcm.subarray(i, i + chunk), sample: i });
  }
  for (const p of pending) session.push(p);
}

const mouthLevel = (f: LipFrame) => Math.max(...MOUTH.map((k) => f.weights[k] ?? 0));

export function lipsyncContract(name: string, factory: () => Lipsync | Promise<Lipsync>): void {
  describe(`lip-sync contract: ${name}`, () => {
    let lipsync: Lipsync;
    const open = (signal = new AbortController().signal) => lipsync.open({ turnId: 1, sampleRate: SR, fps: LIP_FPS, language: "en", signal });
    const turn = speechLikeAudio();
    const margin = Math.round(0.2 * SR);

    beforeAll(async () => {
      lipsync = await factory();
      await lipsync.warmup?.();
    }, 60_000);
    afterAll(async () => {
      await lipsync.close?.();
    });

    it("describes itself as a lip-sync at 60 fps", () => {
      expect(lipsync.info.stage).toBe("lipsync");
      expect(lipsync.capabilities.fps).toBe(LIP_FPS);
    });

    for (const withPhonemes of [false, true]) {
      const label = withPhonemes ? "with phonemes" : "from audio alone";

      it(`${label}: frames at exact 60 fps sample stamps covering the audio, 52 weights in [0, 1]`, async () => {
        const s = open();
        const done = collectFrames(s);
        pushTurn(s, turn.pcm, withPhonemes ? phonemesFor(turn.voicedFrom, turn.voicedTo, turn.pcm.length) : []);
        s.push({ type: "end" });
        const frames = await done;
        expect(frames.length).toBeGreaterThan(0);
        const first = Math.round((frames[0]!.sample * LIP_FPS) / SR);
        frames.forEach((f, i) => {
          expect(f.sample).toBe(Math.round(((first + i) * SR) / LIP_FPS));
          expect(f.weights).toBeInstanceOf(Float32Array);
          expect(f.weights.length).toBe(ARKIT_52.length);
          for (const w of f.weights) expect(Number.isFinite(w) && w >= 0 && w <= 1).toBe(true);
        });
        expect(frames[0]!.sample).toBeLessThanOrEqual(turn.voicedFrom);
        expect(frames[frames.length - 1]!.sample).toBeGreaterThanOrEqual(turn.pcm.length - 2 * (SR / LIP_FPS));
      });

      it(`${label}: the mouth moves where the audio is voiced and rests in silence`, async () => {
        const s = open();
        const done = collectFrames(s);
        pushTurn(s, turn.pcm, withPhonemes ? phonemesFor(turn.voicedFrom, turn.voicedTo, turn.pcm.length) : []);
        s.push({ type: "end" });
        const frames = await done;
        const silent = frames.filter((f) => f.sample < turn.voicedFrom - margin || f.sample > turn.voicedTo + margin);
        const voiced = frames.filter((f) => f.sample > turn.voicedFrom + margin && f.sample < turn.voicedTo - margin);
        expect(silent.length).toBeGreaterThan(10);
        expect(voiced.length).toBeGreaterThan(10);
        for (const f of silent) expect(mouthLevel(f), `mouth at sample ${f.sample}`).toBeLessThan(0.05);
        const jaw = voiced.map((f) => f.weights[BLENDSHAPE_INDEX.jawOpen] ?? 0);
        expect(Math.max(...jaw)).toBeGreaterThan(0.15);
        const moving = voiced.filter((f) => mouthLevel(f) > 0.1).length;
        expect(moving / voiced.length).toBeGreaterThan(0.6);
      });
    }

    it("streams: frames come out while audio is still being pushed", async () => {
      const s = open();
      const seen: LipFrame[] = [];
      const done = (async () => {
        for await (const f of s.frames) seen.push(f);
      })();
      const half = Math.floor(turn.pcm.length / 2);
      pushTurn(s, turn.pcm.subarray(0, half));
      await new Promise((r) => setTimeout(r, 20));
      const before = seen.length;
      expect(before).toBeGreaterThan(0);
      expect(seen[before - 1]!.sample).toBeLessThan(half);
      s.push({ type: "audio", pcm: turn.pcm.subarray(half), sample: half });
      s.push({ type: "end" });
      await done;
      expect(seen.length).toBeGreaterThan(before);
    });

    it("abort ends the frame stream without an end, and later input is ignored", async () => {
      const ac = new AbortController();
      const s = open(ac.signal);
      const done = collectFrames(s, 2_000);
      pushTurn(s, turn.pcm.subarray(0, Math.floor(turn.pcm.length / 2)));
      ac.abort();
      s.push({ type: "audio", pcm: turn.pcm, sample: 0 });
      const frames = await done;
      expect(frames.every((f) => f.sample < turn.pcm.length / 2)).toBe(true);
    });

    it("an already aborted signal gives no frames; an empty turn ends", async () => {
      const ac = new AbortController();
      ac.abort();
      const s = open(ac.signal);
      s.push({ type: "audio", pcm: turn.pcm, sample: 0 });
      s.push({ type: "end" });
      expect(await collectFrames(s, 2_000)).toEqual([]);
      const empty = open();
      empty.push({ type: "end" });
      expect((await collectFrames(empty, 2_000)).length).toBeLessThanOrEqual(1);
    });
  });
}
