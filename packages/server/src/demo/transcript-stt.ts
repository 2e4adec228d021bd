import { MIC_FRAME_SAMPLES, type Language } from "@mirror/protocol";
import { AsyncQueue } from "../core/async-queue.js";
import type { Stt, SttEvent, SttStream } from "../core/contracts/stt.js";
import type { RecordedTurn } from "./visitor.js";

/**
 * For a demo in a language the STT does not speak (PocketSphinx is English-only): text-level turns. Each
 * utterance the VAD cuts is recognised by its audio (the replay sends each turn in the same 20 ms frames,
 * so the frames' samples identify the turn: the turn holding most of them) and transcribed as that turn's known text from visitor.json.
 * A second piece of a turn the VAD split, or audio of no turn, is heard as silence. Everything else of the
 * pipeline (VAD, turn-taking, LLM, TTS, lip-sync) runs as usual.
 */
export function createTranscriptStt(turns: readonly RecordedTurn[], language: Language): Stt {
  // a frame's samples → where they occur (a deterministic TTS says "Ik" alike at the start of many turns)
  const index = new Map<string, Array<{ turn: number; frame: number }>>();
  turns.forEach((t, turn) => {
    for (let s = 0, frame = 0; s < t.pcm.length; s += MIC_FRAME_SAMPLES, frame++) {
      const pcm = new Int16Array(MIC_FRAME_SAMPLES);
      pcm.set(t.pcm.subarray(s, s + MIC_FRAME_SAMPLES));
      const key = keyOf(pcm);
      if (key !== undefined) index.set(key, [...(index.get(key) ?? []), { turn, frame }]);
    }
  });
  const delivered = new Set<number>();

  return {
    info: { id: "stt/transcript", stage: "stt", languages: [language], local: true },
    capabilities: { streaming: true, partials: false, sampleRate: 16000 },
    open(opts): SttStream {
      const events = new AsyncQueue<SttEvent>();
      /** per turn: how many of this utterance's frames it holds, and the first of them */
      const votes = new Map<number, { count: number; first: number }>();
      opts.signal.addEventListener("abort", () => events.close(), { once: true });
      return {
        push(pcm) {
          if (pcm.length !== MIC_FRAME_SAMPLES) return;
          const key = keyOf(pcm);
          for (const hit of (key !== undefined ? index.get(key) : undefined) ?? []) {
            const vote = votes.get(hit.turn);
            if (vote) vote.count++;
            else votes.set(hit.turn, { count: 1, first: hit.frame });
          }
        },
        end() {
          const best = [...votes.entries()].sort((a, b) => b[1].count - a[1].count || a[0] - b[0])[0];
          // a turn counts once, from an utterance that starts near its beginning
          const fresh = best && !delivered.has(best[0]) && best[1].first < 50 ? best[0] : undefined;
          if (fresh !== undefined) delivered.add(fresh);
          events.push({ type: "final", text: fresh !== undefined ? (turns[fresh]?.text ?? "") : "", confidence: 1 });
          events.close();
        },
        events,
      };
    },
    health: async () => ({ ok: true, detail: `known transcripts of ${turns.length} turns (${language})` }),
  };
}

/** A frame's identity: its samples, when it is loud enough to be speech (silence is alike everywhere). */
function keyOf(pcm: Int16Array): string | undefined {
  let peak = 0;
  for (const v of pcm) peak = Math.max(peak, Math.abs(v));
  if (peak < 300) return undefined;
  return Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength).toString("base64");
}
