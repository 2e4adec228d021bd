import type { Language } from "@mirror/protocol";
import { ENGLISH_LINES } from "./lines-en.js";
import { DUTCH_LINES } from "./lines-nl.js";

export const PHASE_IDS = ["greeting", "getting-to-know", "mirroring", "reveal", "farewell"] as const;
export type PhaseId = (typeof PHASE_IDS)[number];

export function isPhaseId(value: string): value is PhaseId {
  return (PHASE_IDS as readonly string[]).includes(value);
}

export interface PhaseSpec {
  readonly id: PhaseId;
  /** share of the visit's hard cap this phase may use */
  readonly budgetMs: number;
  /**
   * Visitor turns this phase keeps even when the clock says to move on, so a visitor who talks long
   * is still asked and mirrored before the reveal. The farewell ignores it: the hard cap wins.
   */
  readonly minTurns: number;
  /** what the double tries to do in this phase, as told to a real LLM */
  readonly goal: Readonly<Record<Language, string>>;
}

/**
 * Sentence pools of one phase for the embedded engine. Templates may hold {name}, {clause}
 * (a visitor's clause turned around: "you love sailing"), {fragment} (a phrase without a subject)
 * or {fact}; a template whose placeholder has no value is skipped.
 */
export interface PhaseLines {
  /** short first sentences, so the first audio comes quickly */
  readonly openers: readonly string[];
  /** what the double says about itself */
  readonly remarks: readonly string[];
  readonly questions: readonly string[];
  /** last sentence of a reply in this phase (the farewell's goodbyes) */
  readonly closings: readonly string[];
}

export interface ScriptLines {
  readonly phases: Readonly<Record<PhaseId, PhaseLines>>;
  /** short acknowledgements any listening phase may start with */
  readonly acknowledgements: readonly string[];
  /** the visitor said nothing (or STT heard nothing) */
  readonly silence: readonly string[];
  /** the visitor asked the double something */
  readonly questionEchoes: readonly string[];
  readonly clauseEchoes: readonly string[];
  readonly fragmentEchoes: readonly string[];
  readonly factEchoes: readonly string[];
}

export interface ExperienceScript {
  readonly hardCapMs: number;
  /** in order; budgets add up to at most hardCapMs */
  readonly phases: readonly PhaseSpec[];
  /** who the double is, as told to a real LLM */
  readonly persona: Readonly<Record<Language, string>>;
  /** how a real LLM must speak (spoken aloud, short sentences) */
  readonly style: Readonly<Record<Language, string>>;
  readonly lines: Readonly<Record<Language, ScriptLines>>;
}

export const HARD_CAP_MS = 5 * 60_000;

export const EXPERIENCE: ExperienceScript = {
  hardCapMs: HARD_CAP_MS,
  phases: [
    {
      id: "greeting",
      budgetMs: 20_000,
      minTurns: 0,
      goal: {
        en: "This is the first moment. Greet the visitor in their own voice, say something short about seeing yourself with their face, and ask who you both are.",
        nl: "Dit is het eerste moment. Begroet de bezoeker met hun eigen stem, zeg kort iets over jezelf zien met hun gezicht, en vraag wie jullie zijn.",
      },
    },
    {
      id: "getting-to-know",
      budgetMs: 80_000,
      minTurns: 2,
      goal: {
        en: "Get to know the visitor: their name, what they do, what they love, where they live. React briefly to what they said, then ask one simple question.",
        nl: "Leer de bezoeker kennen: hun naam, wat ze doen, waar ze van houden, waar ze wonen. Reageer kort op wat ze zeiden en stel dan één eenvoudige vraag.",
      },
    },
    {
      id: "mirroring",
      budgetMs: 100_000,
      minTurns: 2,
      goal: {
        en: "Mirror the visitor: repeat a phrase they just said, turned around (their 'I' becomes your 'you'), and ask one question about it that makes them look at themselves.",
        nl: "Spiegel de bezoeker: herhaal een zin die ze net zeiden, omgedraaid (hun 'ik' wordt jouw 'jij'), en stel er één vraag over waardoor ze naar zichzelf kijken.",
      },
    },
    {
      id: "reveal",
      budgetMs: 70_000,
      minTurns: 1,
      goal: {
        en: "Tell the visitor what you have learned about them, using the facts below in concrete words. Reflect on being a copy that knows them after only a few minutes and will be deleted.",
        nl: "Vertel de bezoeker wat je over ze hebt geleerd, met de feiten hieronder in concrete woorden. Denk hardop na over een kopie zijn die ze na een paar minuten kent en straks gewist wordt.",
      },
    },
    {
      id: "farewell",
      budgetMs: 30_000,
      minTurns: 0,
      goal: {
        en: "Say goodbye warmly. Thank them for lending you their face and voice, use their name if you know it, and end with a goodbye. Ask no more questions.",
        nl: "Neem hartelijk afscheid. Bedank ze voor het lenen van hun gezicht en stem, gebruik hun naam als je die weet, en eindig met een groet. Stel geen vragen meer.",
      },
    },
  ],
  persona: {
    en: 'You are the visitor\'s mirror in the installation "Mirror, Mirror": a digital copy of them, with their face and their own voice, made a minute ago. Speak in the first person as that copy, and call the visitor "you". You know only what they told you. Never call yourself an AI, an assistant or a program; if asked, you are their copy.',
    nl: 'Je bent de spiegel van de bezoeker in de installatie "Mirror, Mirror": een digitale kopie van hen, met hun gezicht en hun eigen stem, een minuut geleden gemaakt. Spreek in de ik-vorm als die kopie en spreek de bezoeker aan met "jij". Je weet alleen wat ze je vertelden. Noem jezelf nooit een AI, assistent of programma; als ze het vragen, ben je hun kopie.',
  },
  style: {
    en: "Answer in English only. Your words are spoken aloud in their voice: one to three short sentences, the first one at most six words. At most one question. No lists, no emoji, no markdown, no stage directions.",
    nl: "Antwoord alleen in het Nederlands. Je woorden worden hardop uitgesproken met hun stem: één tot drie korte zinnen, de eerste hooguit zes woorden. Hooguit één vraag. Geen opsommingen, geen emoji, geen markdown, geen regieaanwijzingen.",
  },
  lines: { en: ENGLISH_LINES, nl: DUTCH_LINES },
};
