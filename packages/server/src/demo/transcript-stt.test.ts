import { MIC_FRAME_SAMPLES } from "@mirror/protocol";
import { describe, expect, it } from "vitest";
import { seededRandom } from "../core/clock.js";
import type { Stt } from "../core/contracts/stt.js";
import { createTranscriptStt } from "./transcript-stt.js";
import type { RecordedTurn } from "./visitor.js";

/** speech-like: a tone with noise, so no two frames are alike */
function tone(hz: number, frames: number): Int16Array {
  const random = seededRandom(hz);
  const pcm = new Int16Array(frames * MIC_FRAME_SAMPLES);
  for (let i = 0; i < pcm.length; i++) pcm[i] = Math.round(6000 * Math.sin((2 * Math.PI * hz * i) / 16000) + 2000 * (random() - 0.5));
  return pcm;
}

async function hear(stt: Stt, frames: Int16Array[]): Promise<string> {
  const stream = stt.open({ language: "nl", signal: new AbortController().signal });
  for (const f of frames) stream.push(f);
  stream.end();
  let text = "";
  for await (const ev of stream.events) if (ev.type === "final") text = ev.text;
  return text;
}

const framesOf = (pcm: Int16Array, from = 0, to = pcm.length / MIC_FRAME_SAMPLES): Int16Array[] =>
  Array.from({ length: to - from }, (_, i) => pcm.slice((from + i) * MIC_FRAME_SAMPLES, (from + i + 1) * MIC_FRAME_SAMPLES));

describe("transcript STT (text-level turns for a language the STT does not speak)", () => {
  const turns: RecordedTurn[] = [
    { file: "turn-01.wav", pcm: tone(220, 100), text: "Mijn naam is Anna." },
    { file: "turn-02.wav", pcm: tone(330, 100), text: "Ik hou van zeilen." },
  ];
  const silence = Array.from({ length: 15 }, () => new Int16Array(MIC_FRAME_SAMPLES));

  it("recognises each utterance by its audio, in any order, and transcribes it with the turn's known text", async () => {
    const stt = createTranscriptStt(turns, "nl");
    expect(stt.info.languages).toEqual(["nl"]);
    expect(await hear(stt, [...silence, ...framesOf(turns[1]?.pcm ?? new Int16Array())])).toBe("Ik hou van zeilen.");
    expect(await hear(stt, [...silence, ...framesOf(turns[0]?.pcm ?? new Int16Array())])).toBe("Mijn naam is Anna.");
  });

  it("tells apart turns that start alike (a deterministic TTS says the first word the same way)", async () => {
    const a = tone(220, 60);
    const b = tone(330, 60);
    b.set(a.subarray(0, 10 * MIC_FRAME_SAMPLES));
    const stt = createTranscriptStt(
      [
        { file: "turn-01.wav", pcm: a, text: "Ik werk." },
        { file: "turn-02.wav", pcm: b, text: "Ik woon hier." },
      ],
      "nl",
    );
    expect(await hear(stt, framesOf(b))).toBe("Ik woon hier.");
    expect(await hear(stt, framesOf(a))).toBe("Ik werk.");
  });

  it("hears a turn once: a late second piece of it, or unknown audio, is silence", async () => {
    const stt = createTranscriptStt(turns, "nl");
    const pcm = turns[0]?.pcm ?? new Int16Array();
    expect(await hear(stt, framesOf(pcm, 0, 40))).toBe("Mijn naam is Anna.");
    expect(await hear(stt, framesOf(pcm, 60, 100))).toBe("");
    expect(await hear(stt, framesOf(tone(500, 20)))).toBe("");
  });
});
