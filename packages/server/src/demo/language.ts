import { Language } from "@mirror/protocol";
import type { Providers } from "../session/visit-session.js";
import { createTranscriptStt } from "./transcript-stt.js";
import type { RecordedVisitor } from "./visitor.js";

/**
 * The demo's language: `--language` overrides visitor.json. When the configured STT does not speak it
 * (PocketSphinx is English-only), the visitor's known transcripts stand in for speech recognition, and
 * the demo says so: the rest of the pipeline runs for real.
 */
export function applyDemoLanguage(visitor: RecordedVisitor, providers: Providers, language: string | undefined, log: (line: string) => void): void {
  if (language !== undefined) visitor.language = Language.parse(language);
  const stt = providers.stt;
  if (stt.info.languages === "any" || stt.info.languages.includes(visitor.language)) return;
  if (visitor.turns.some((t) => t.text === undefined)) {
    throw new Error(`${stt.info.id} does not speak ${visitor.language}, and visitor.json has no text for every turn to stand in for it`);
  }
  providers.stt = createTranscriptStt(visitor.turns, visitor.language);
  log(`stt: ${stt.info.id} does not speak ${visitor.language}; using the visitor's known transcripts (text-level turns)`);
}
