import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { Language } from "@mirror/protocol";
import { float32ToInt16, resample } from "../audio/pcm.js";
import { decodeWav } from "../audio/wav.js";
import { InputError } from "../core/errors.js";

const VisitorMeta = z.object({
  language: Language.default("en"),
  sampleText: z.string().optional(),
  turns: z
    .array(z.object({ file: z.string(), text: z.string().optional(), bargeInAfterMs: z.number().nonnegative().optional() }))
    .default([]),
});

export interface RecordedTurn {
  file: string;
  /** 16 kHz int16 */
  pcm: Int16Array;
  /** what the visitor really said, when known (for word error rate) */
  text?: string;
  /** start this many ms after the previous reply started playing: a barge-in */
  bargeInAfterMs?: number;
}

export interface RecordedVisitor {
  language: Language;
  photo: Uint8Array;
  photoMime: "image/jpeg" | "image/png";
  sample: Int16Array;
  turns: RecordedTurn[];
}

function readWav16k(path: string): Int16Array {
  const wav = decodeWav(new Uint8Array(readFileSync(path)));
  return float32ToInt16(resample(wav.pcm, wav.sampleRate, 16_000));
}

/** A visitor directory: photo.jpg|png, sample.wav, turn-01.wav …, and optionally visitor.json. */
export function loadVisitor(dir: string): RecordedVisitor {
  if (!existsSync(dir)) throw new InputError("no-visitor", `visitor directory not found: ${dir}`);
  const photoFile = ["photo.jpg", "photo.jpeg", "photo.png"].find((f) => existsSync(join(dir, f)));
  if (!photoFile) throw new InputError("no-photo", `${dir} has no photo.jpg or photo.png`);
  if (!existsSync(join(dir, "sample.wav"))) throw new InputError("no-sample", `${dir} has no sample.wav`);
  const metaPath = join(dir, "visitor.json");
  const meta = VisitorMeta.parse(existsSync(metaPath) ? JSON.parse(readFileSync(metaPath, "utf8")) : {});
  const files = readdirSync(dir)
    .filter((f) => /^turn-\d+\.wav$/.test(f))
    .sort((a, b) => Number(a.match(/\d+/)?.[0]) - Number(b.match(/\d+/)?.[0]));
  if (files.length === 0) throw new InputError("no-turns", `${dir} has no turn-01.wav`);
  return {
    language: meta.language,
    photo: new Uint8Array(readFileSync(join(dir, photoFile))),
    photoMime: photoFile.endsWith(".png") ? "image/png" : "image/jpeg",
    sample: readWav16k(join(dir, "sample.wav")),
    turns: files.map((file) => {
      const m = meta.turns.find((t) => t.file === file);
      return {
        file,
        pcm: readWav16k(join(dir, file)),
        ...(m?.text !== undefined ? { text: m.text } : {}),
        ...(m?.bargeInAfterMs !== undefined ? { bargeInAfterMs: m.bargeInAfterMs } : {}),
      };
    }),
  };
}
