import type { Language } from "@mirror/protocol";
import type { Random } from "../../../core/clock.js";
import type { ChatMessage } from "../../../core/contracts/llm.js";
import type { PhaseId, ScriptLines } from "../../../script/experience.js";
import { nameFromFacts } from "../../../script/facts.js";
import { asksSomething, pickKeyPhrase } from "./key-phrase.js";
import type { KeyPhrase } from "./key-phrase.js";
import { swapPronouns } from "./pronouns.js";

export interface ReplyInput {
  language: Language;
  phase: PhaseId;
  userText: string;
  /** the visitor's facts, in their first person */
  facts: readonly string[];
  /** the visit so far: every sentence the double already said is in here */
  history: readonly ChatMessage[];
  random: Random;
  lines: ScriptLines;
  maxSentences: number;
}

type Vars = Partial<Record<"name" | "clause" | "fragment" | "fact", string>>;

/** Splits text into sentences the way the double's replies are written (ends with . ! ? …). */
export function sentencesOf(text: string): string[] {
  return text
    .split(/(?<=[.!?…])\s+/)
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

function normalise(sentence: string): string {
  return sentence
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s']/gu, "")
    .replace(/\s+/g, " ")
    .trim();
}

/** Picks sentences from pools, never one already said in this visit. */
class SentencePicker {
  private readonly used: Set<string>;
  constructor(
    history: readonly ChatMessage[],
    private readonly random: Random,
  ) {
    this.used = new Set(history.filter((m) => m.role === "assistant").flatMap((m) => sentencesOf(m.content).map(normalise)));
  }

  /** templates used in the reply being composed: "You told me X. You told me Y." sounds like a machine */
  private readonly templatesThisReply = new Set<string>();

  /** A random unused sentence of the first pool that has one, or undefined. */
  pick(pools: ReadonlyArray<readonly string[]>, vars: Vars = {}): string | undefined {
    for (const pool of pools) {
      const fresh = pool
        .filter((template) => !this.templatesThisReply.has(template))
        .map((template) => ({ template, sentence: fill(template, vars) }))
        .filter((c): c is { template: string; sentence: string } => c.sentence !== undefined && !this.used.has(normalise(c.sentence)));
      const chosen = fresh[Math.min(fresh.length - 1, Math.floor(this.random() * fresh.length))];
      if (!chosen) continue;
      this.used.add(normalise(chosen.sentence));
      this.templatesThisReply.add(chosen.template);
      return chosen.sentence;
    }
    return undefined;
  }

  /** True when one of the templates, filled with vars, was already said. */
  alreadySaid(templates: readonly string[], vars: Vars): boolean {
    return templates.some((t) => {
      const sentence = fill(t, vars);
      return sentence !== undefined && this.used.has(normalise(sentence));
    });
  }
}

/** Fills {placeholders}; undefined when one has no value, so the template is skipped. */
function fill(template: string, vars: Vars): string | undefined {
  let missing = false;
  const text = template.replace(/\{(name|clause|fragment|fact)\}/g, (_, key: keyof Vars) => {
    const value = vars[key];
    if (value === undefined) missing = true;
    return value ?? "";
  });
  if (missing) return undefined;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function phraseVars(phrase: KeyPhrase | undefined): Vars {
  if (!phrase) return {};
  return phrase.kind === "clause" ? { clause: phrase.text } : { fragment: phrase.text };
}

function shuffled<T>(items: readonly T[], random: Random): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** A fact in the visitor's first person, said back to them mid-sentence: "I am a designer" → "you are a designer". */
function sayBack(fact: string, language: Language): string {
  const swapped = swapPronouns(fact, language);
  return /^I(?:\b|')/.test(swapped) ? swapped : swapped.charAt(0).toLowerCase() + swapped.slice(1);
}

function wordCount(sentence: string): number {
  return sentence.split(/\s+/).length;
}

/** Getting-to-know questions and the facts that already answer them (not asked again). */
const ANSWERED_BY: ReadonlyArray<{ question: RegExp; fact: RegExp }> = [
  { question: /where do you live|waar woon/i, fact: /^(?:I live|ik woon)\b/i },
  { question: /what do you do|for work|wat voor werk|de hele dag/i, fact: /^(?:I work|ik werk|I study|ik studeer)\b/i },
  { question: /love doing|het liefst/i, fact: /^(?:I (?:love|like|enjoy|adore)|ik hou van|ik vind)\b/i },
  { question: /grow up|opgegroeid/i, fact: /^(?:I come from|ik kom uit)\b|grew up|opgegroeid/i },
  { question: /good at|goed in/i, fact: /good at|goed in/i },
];

function unanswered(questions: readonly string[], facts: readonly string[]): string[] {
  return questions.filter((q) => !ANSWERED_BY.some((a) => a.question.test(q) && facts.some((f) => a.fact.test(f))));
}

/**
 * The double's reply as sentences: what it says depends on the phase, the visitor's last words
 * (turned around), the facts it knows, and what it already said.
 */
export function composeReply(input: ReplyInput): string[] {
  const { lines, random, language } = input;
  const picker = new SentencePicker(input.history, random);
  const phase = lines.phases[input.phase];
  const name = nameFromFacts(input.facts);
  const spoke = /[\p{L}\p{N}]/u.test(input.userText);
  const phrase = spoke ? pickKeyPhrase(input.userText, language) : undefined;
  const asked = spoke && asksSomething(input.userText, language);
  const echoPools = phrase?.kind === "clause" ? [lines.clauseEchoes] : [lines.fragmentEchoes];
  const sentences: Array<string | undefined> = [];

  switch (input.phase) {
    case "greeting":
      sentences.push(picker.pick([phase.openers]), picker.pick([phase.remarks]), picker.pick([phase.questions]));
      break;

    case "getting-to-know": {
      if (!spoke) {
        sentences.push(picker.pick([lines.silence]), picker.pick([phase.questions]));
        break;
      }
      const echo = phrase ? picker.pick(echoPools, phraseVars(phrase)) : undefined;
      const opener = !echo || wordCount(echo) > 7 || random() < 0.3 ? picker.pick([lines.acknowledgements]) : undefined;
      // the conversation has already added what the visitor just said to the facts
      const open = unanswered(phase.questions, input.facts);
      const question = asked ? picker.pick([lines.questionEchoes, open, phase.questions]) : picker.pick([open, phase.questions]);
      sentences.push(opener, echo, question);
      break;
    }

    case "mirroring": {
      if (!spoke) {
        sentences.push(picker.pick([lines.silence]), picker.pick([phase.questions]));
        break;
      }
      const withPhrase = phase.questions.filter((q) => /\{(?:clause|fragment)\}/.test(q));
      const general = phase.questions.filter((q) => !withPhrase.includes(q));
      if (asked) {
        const echo = phrase ? picker.pick(echoPools, phraseVars(phrase)) : undefined;
        sentences.push(echo, picker.pick([lines.questionEchoes, general]));
      } else if (phrase && random() < 0.5) {
        // the question itself says the phrase back: "Why do you think you love sailing?"
        sentences.push(picker.pick([lines.acknowledgements]), picker.pick([withPhrase, general], phraseVars(phrase)));
      } else {
        const echo = phrase ? picker.pick(echoPools, phraseVars(phrase)) : undefined;
        const remark = echo && random() < 0.25 ? picker.pick([phase.remarks]) : undefined;
        sentences.push(echo ?? picker.pick([lines.acknowledgements]), remark, picker.pick([general, withPhrase], phraseVars(phrase)));
      }
      break;
    }

    case "reveal": {
      sentences.push(picker.pick([phase.openers]));
      const facts = [...new Map(input.facts.map((f) => [f.toLowerCase(), f])).values()];
      const untold = shuffled(facts, random)
        .map((fact) => sayBack(fact, language))
        .filter((fact) => !picker.alreadySaid(lines.factEchoes, { fact }));
      for (const fact of untold.slice(0, 2)) sentences.push(picker.pick([lines.factEchoes], { fact }));
      if (untold.length === 0 && phrase) sentences.push(picker.pick(echoPools, phraseVars(phrase)));
      sentences.push(picker.pick([phase.remarks, phase.questions]));
      break;
    }

    case "farewell": {
      // the name once, in the remark or in the goodbye
      const nameInRemark = random() < 0.5;
      const vars = name !== undefined ? { name } : {};
      const named = (pool: readonly string[]): string[] => pool.filter((l) => l.includes("{name}"));
      const unnamed = (pool: readonly string[]): string[] => pool.filter((l) => !l.includes("{name}"));
      const remarkPools = name !== undefined && nameInRemark ? [named(phase.remarks), unnamed(phase.remarks)] : [unnamed(phase.remarks)];
      const closingPools = name !== undefined && !nameInRemark ? [named(phase.closings), unnamed(phase.closings)] : [unnamed(phase.closings)];
      sentences.push(picker.pick([phase.openers]), picker.pick(remarkPools, vars), picker.pick(closingPools, vars));
      break;
    }
  }

  const reply = sentences.filter((s): s is string => s !== undefined).slice(0, input.maxSentences);
  if (input.phase === "farewell" && reply.length === input.maxSentences) {
    // the goodbye must survive the sentence cap: it is what ends the visit
    const goodbye = sentences.filter((s): s is string => s !== undefined).at(-1);
    if (goodbye !== undefined && !reply.includes(goodbye)) reply[reply.length - 1] = goodbye;
  }
  if (reply.length > 0) return reply;
  return [lastResort(picker, input, phrase)];
}

/** Every pool of the phase is used up (a very long visit): still answer, repeating as little as possible. */
function lastResort(picker: SentencePicker, input: ReplyInput, phrase: KeyPhrase | undefined): string {
  const { lines } = input;
  const fresh = picker.pick([lines.acknowledgements, lines.silence, lines.questionEchoes]);
  if (fresh !== undefined) return fresh;
  if (phrase) return `${phrase.text.charAt(0).toUpperCase()}${phrase.text.slice(1)}?`;
  return lines.acknowledgements[Math.floor(input.random() * lines.acknowledgements.length)] ?? "…";
}
