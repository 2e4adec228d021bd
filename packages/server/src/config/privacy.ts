import { z } from "zod";
import { ConsentText, Language } from "@mirror/protocol";

/** The sentence an operator writes into the config to turn retention on: they must have asked the visitors. */
export const RETENTION_ACKNOWLEDGEMENT = "I have the visitors' consent";

const LANGUAGES = Language.options;

/** The kiosk's consent screen as it has always read; an operator overrides any line per language. */
export const DEFAULT_CONSENT: Readonly<Record<Language, ConsentText>> = {
  en: {
    title: "Before we begin",
    intro: "To make a talking copy of you, we capture:",
    photo: "a photo of your face",
    voice: "a short recording of your voice (5–10 seconds)",
    talk: "what you say in the conversation (about 5 minutes)",
    use: "They are used only for this conversation, on this installation. Nothing is shared.",
    delete: "When you finish, everything is deleted: your photo, your voice, what you said and the copy itself.",
  },
  nl: {
    title: "Voordat we beginnen",
    intro: "Om een pratende kopie van jou te maken, nemen we op:",
    photo: "een foto van je gezicht",
    voice: "een korte opname van je stem (5–10 seconden)",
    talk: "wat je zegt in het gesprek (ongeveer 5 minuten)",
    use: "Ze worden alleen voor dit gesprek gebruikt, op deze installatie. Er wordt niets gedeeld.",
    delete: "Als je klaar bent, wordt alles gewist: je foto, je stem, wat je zei en de kopie zelf.",
  },
};

const DURATION = /^(\d+)(m|h|d)$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** "7d" → ms (minutes, hours or days; at most a year). */
export function parseDuration(text: string): number | null {
  const m = DURATION.exec(text);
  if (!m) return null;
  const ms = Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
  return ms > 0 && ms <= 366 * UNIT_MS.d ? ms : null;
}

/**
 * What is kept after a visit. Everything off by default: a visit leaves nothing. Turning anything on needs a
 * directory, how long, why (shown to the visitor) and the acknowledgement sentence, word for word.
 */
export const RetentionConfig = z
  .object({
    /** the visitor's words and the double's replies, as text */
    keepTranscripts: z.boolean().default(false),
    /** the 5–10 s voice sample (raw 16 kHz PCM) */
    keepVoiceSample: z.boolean().default(false),
    /** the photo (as the kiosk sent it) */
    keepPhoto: z.boolean().default(false),
    keepFor: z
      .string()
      .default("7d")
      .refine((t) => parseDuration(t) !== null, { message: 'keepFor is a duration such as "12h" or "7d" (at most 366d)' }),
    /** a directory for nothing else (created 0700; files 0600, encrypted) */
    dir: z.string().min(1).optional(),
    /** why it is kept, per language: told to the visitor on the consent screen */
    purpose: z.partialRecord(Language, z.string().min(3).max(300)).optional(),
    acknowledge: z.string().optional(),
  })
  .superRefine((r, ctx) => {
    if (!retentionOn(r)) return;
    if (!r.dir) ctx.addIssue({ code: "custom", path: ["dir"], message: "retention needs its own directory (dir)" });
    if (r.acknowledge !== RETENTION_ACKNOWLEDGEMENT) {
      ctx.addIssue({ code: "custom", path: ["acknowledge"], message: `retention needs acknowledge: "${RETENTION_ACKNOWLEDGEMENT}"` });
    }
    for (const lang of LANGUAGES) {
      if (!r.purpose?.[lang]) ctx.addIssue({ code: "custom", path: ["purpose", lang], message: `retention needs its purpose in ${lang}, for the consent screen` });
    }
  })
  .prefault({});
export type RetentionConfig = z.infer<typeof RetentionConfig>;

export const PrivacyConfig = z
  .object({
    /** consent screen lines per language, over DEFAULT_CONSENT */
    consent: z.partialRecord(Language, ConsentText.partial()).default({}),
    retention: RetentionConfig,
  })
  .prefault({});
export type PrivacyConfig = z.infer<typeof PrivacyConfig>;

export function retentionOn(r: Pick<RetentionConfig, "keepTranscripts" | "keepVoiceSample" | "keepPhoto">): boolean {
  return r.keepTranscripts || r.keepVoiceSample || r.keepPhoto;
}

type Part = "photo" | "voice" | "words";

const PART_NAMES: Record<Language, Record<Part | "copy", string>> = {
  en: { photo: "your photo", voice: "your voice recording", words: "what you said in the conversation", copy: "the copy itself" },
  nl: { photo: "je foto", voice: "je stemopname", words: "wat je zei in het gesprek", copy: "de kopie zelf" },
};

function list(items: string[], and: string): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} ${and} ${items.at(-1)}`;
}

function durationText(ms: number, lang: Language): string {
  const [n, unit] = ms % UNIT_MS.d === 0 ? [ms / UNIT_MS.d, "d"] : ms % UNIT_MS.h === 0 ? [ms / UNIT_MS.h, "h"] : [Math.round(ms / UNIT_MS.m), "m"];
  const words = {
    en: { d: ["day", "days"], h: ["hour", "hours"], m: ["minute", "minutes"] },
    nl: { d: ["dag", "dagen"], h: ["uur", "uur"], m: ["minuut", "minuten"] },
  }[lang][unit as "d" | "h" | "m"];
  return `${n} ${n === 1 ? words[0] : words[1]}`;
}

/**
 * The consent screen the kiosk shows, per language. With retention on, the lines about deletion are written from
 * the retention settings, so the visitor is always told what is kept, for how long and why, whatever the
 * operator's own lines say.
 */
export function consentScreens(privacy: PrivacyConfig): Record<Language, ConsentText> {
  const r = privacy.retention;
  const kept: Part[] = [...(r.keepPhoto ? ["photo" as const] : []), ...(r.keepVoiceSample ? ["voice" as const] : []), ...(r.keepTranscripts ? ["words" as const] : [])];
  const keepForMs = parseDuration(r.keepFor) ?? 0;
  const out = {} as Record<Language, ConsentText>;
  for (const lang of LANGUAGES) {
    const own = privacy.consent[lang] ?? {};
    const text: ConsentText = { ...DEFAULT_CONSENT[lang], ...own };
    if (kept.length > 0) {
      const names = PART_NAMES[lang];
      const deleted = (["photo", "voice", "words"] as const).filter((p) => !kept.includes(p)).map((p) => names[p]);
      deleted.push(names.copy);
      const keptNames = kept.map((p) => names[p]);
      const purpose = r.purpose?.[lang] ?? "";
      if (lang === "en") {
        text.delete = `When you finish, ${list(deleted, "and")} ${deleted.length > 1 ? "are" : "is"} deleted.`;
        text.kept = `Kept after your visit, for ${durationText(keepForMs, lang)} (${purpose}): ${list(keptNames, "and")}. Then it is deleted too.`;
        if (own.use === undefined) text.use = "Nothing is shared.";
      } else {
        text.delete = `Als je klaar bent, ${deleted.length > 1 ? "worden" : "wordt"} ${list(deleted, "en")} gewist.`;
        text.kept = `Na je bezoek bewaren we ${durationText(keepForMs, lang)} (${purpose}): ${list(keptNames, "en")}. Daarna wordt ook dat gewist.`;
        if (own.use === undefined) text.use = "Er wordt niets gedeeld.";
      }
    }
    out[lang] = text;
  }
  return out;
}
