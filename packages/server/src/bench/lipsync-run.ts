/**
 * One reply through the embedded voice and a lip-sync, the way the pipeline runs it: TTS events in order,
 * audio resampled to the output rate, phonemes positioned in output samples, each frame timed as it comes out.
 */
import { LIP_FPS, OUTPUT_SAMPLE_RATE as SR, type Language } from "@mirror/protocol";
import { StreamResampler } from "../audio/pcm.js";
import { seededRandom } from "../core/clock.js";
import type { LipFrame, Lipsync } from "../core/contracts/lipsync.js";
import { createBuiltinLipsync } from "../stages/lipsync/builtin/index.js";
import { createEspeakTts } from "../stages/tts/espeak/index.js";
import { createFliteTts } from "../stages/tts/flite/flite-tts.js";

export interface ReplyText {
  language: Language;
  voice: string;
  text: string;
}

/** What the double says to fixtures/visitor-1 in `mirror demo` (scripted engine), and two Dutch replies. */
export const FIXTURE_REPLIES: readonly ReplyText[] = [
  { language: "en", voice: "en-us+f3", text: "Hello. I have your face now, and your voice. Shall we get to know each other?" },
  { language: "en", voice: "en-us+f3", text: "You told me your name is anna. Who is waiting for you at home?" },
  { language: "en", voice: "en-us+f3", text: "Interesting. You love watching in the forest with your dog, I know, because I am you. What are you afraid of?" },
  { language: "en", voice: "en-us+f3", text: "Oh. Wait you want to tell me about your family, hm. Where do you live?" },
  { language: "en", voice: "en-us+f3", text: "Anna little nervous, hm. What are you good at?" },
  { language: "nl", voice: "nl+f3", text: "Wat mooi. Vertel me meer over je familie en je werk." },
  { language: "nl", voice: "nl+f3", text: "Ik ben een beetje zenuwachtig, maar dit is echt vreemd en prachtig." },
];

export interface SpokenReply {
  pcm: Float32Array;
  frames: Array<LipFrame & { at: number }>;
  /** ms from the first audio chunk reaching lip-sync to its first frame */
  firstFrameMs: number;
}

export interface SpeakOptions {
  lipsync?: Lipsync;
  /** the voice that speaks English replies: espeak (default) or the embedded default's flite (Dutch stays espeak) */
  englishVoice?: "espeak" | "flite";
  /** pass phoneme timings on to lip-sync (default true); false = audio (and words) only */
  phonemes?: boolean;
}

const tts = createEspeakTts();
const flite = createFliteTts();

/** What `mirror start` does before the first visit: the voice and the lip-sync warm up. */
export async function warmUpSpeech(lipsync: Lipsync, englishVoice: SpeakOptions["englishVoice"] = "espeak"): Promise<void> {
  await Promise.all([tts.warmup?.(), englishVoice === "flite" ? flite.warmup?.() : undefined, lipsync.warmup?.()]);
}

export async function speakWithLips(reply: ReplyText, o: SpeakOptions = {}): Promise<SpokenReply> {
  const useFlite = o.englishVoice === "flite" && reply.language === "en";
  const speaker = useFlite ? flite : tts;
  // flite: its default (slt, unconverted); espeak: the reply's variant
  const voice = { id: "t", provider: speaker.info.id, language: reply.language, medianF0Hz: null, syllablesPerSecond: null, state: useFlite ? {} : { voice: reply.voice } };
  const lipsync = o.lipsync ?? createBuiltinLipsync({ random: seededRandom(3) });
  const lips = lipsync.open({ turnId: 1, sampleRate: SR, fps: LIP_FPS, language: reply.language, signal: new AbortController().signal });
  const frames: Array<LipFrame & { at: number }> = [];
  const done = (async () => {
    for await (const f of lips.frames) frames.push({ ...f, at: performance.now() });
  })();
  let rs: StreamResampler | null = null;
  let pos = 0;
  let firstAudioAt: number | null = null;
  const audio: Float32Array[] = [];
  for await (const ev of speaker.synthesize({ text: reply.text, voice, signal: new AbortController().signal })) {
    if (ev.type === "audio") {
      rs ??= new StreamResampler(ev.sampleRate, SR);
      const pcm = rs.push(ev.pcm);
      if (!pcm.length) continue;
      firstAudioAt ??= performance.now();
      lips.push({ type: "audio", pcm, sample: pos });
      audio.push(pcm);
      pos += pcm.length;
    } else if (ev.type === "phoneme" && o.phonemes !== false) {
      lips.push({ type: "phoneme", phoneme: ev.phoneme, alphabet: ev.alphabet, startSample: Math.round(ev.start * SR), endSample: Math.round(ev.end * SR) });
    }
    await new Promise((r) => setImmediate(r));
  }
  lips.push({ type: "end" });
  await done;
  const pcm = new Float32Array(pos);
  let at = 0;
  for (const a of audio) {
    pcm.set(a, at);
    at += a.length;
  }
  return { pcm, frames, firstFrameMs: (frames[0]?.at ?? Infinity) - (firstAudioAt ?? 0) };
}
