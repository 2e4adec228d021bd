/**
 * End-of-turn and barge-in rules, kept apart from the conversation's plumbing.
 *
 * The VAD splits speech into segments on a short silence (its hangover, ~150 ms), so the STT finalizes
 * each segment early. This policy then decides, from the segment's final text, how much more silence
 * the visitor gets before the turn is committed: little after a sentence that sounds finished, more
 * after "and…", "uh", "because". The conversation may start the reply speculatively on the final and
 * throws it away if the visitor goes on before the commit.
 */

export interface EndpointingOptions {
  /** silence (ms, from the end of speech) before committing a turn that sounds complete; default 350 */
  completeMs?: number;
  /** silence before committing when nothing marks the text either way; default 600 */
  defaultMs?: number;
  /** silence before committing after a hesitation or a dangling word; default 1300 */
  hesitantMs?: number;
  /** added when the final changed its mind against the last partial (a less stable result); default 150 */
  unstableExtraMs?: number;
  /** a single word needs this much silence at least (a lone "so…" is rarely a whole turn); default 700 */
  singleWordMs?: number;
}

export type EndpointReason = "complete" | "hesitation" | "single-word" | "default";

export interface EndpointDecision {
  /** commit the turn once this much silence has passed since the end of speech */
  silenceMs: number;
  reason: EndpointReason;
}

/** Words that leave a sentence open when they come last (English and Dutch). */
const DANGLING = new Set(
  (
    "and or but so because if when while although though than that which who whose where the a an my your his her our their its " +
    "to of in on at for with from about into like as is are was were be been am i'm it's i'd i'll we you they he she very really " +
    "en of maar dus omdat als wanneer terwijl hoewel dan dat die wie waar de het een mijn jouw zijn haar ons hun naar van in op aan voor met over ik je we ze is was ben"
  ).split(" "),
);

/** Fillers: the visitor is still thinking. */
const FILLERS = new Set("uh um er erm hmm hm mm uhm ehm eh euh ah well".split(" "));

/** What a listener says to keep the speaker going, not to take the turn. */
const BACKCHANNELS = new Set(
  "yes yeah yep mm mhm hmm hm uh-huh huh okay ok right sure wow ja jawel hm-hm precies klopt oke".split(" "),
);

const DEFAULTS: Required<EndpointingOptions> = { completeMs: 350, defaultMs: 600, hesitantMs: 1300, unstableExtraMs: 150, singleWordMs: 700 };

export function words(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}'\s-]/gu, " ")
    .split(/\s+/)
    .filter(Boolean);
}

/** True when every word is a backchannel ("yes", "mm", "uh huh"), and there is at least one. */
export function isBackchannel(text: string): boolean {
  const w = words(text);
  return w.length > 0 && w.length <= 3 && w.every((x) => BACKCHANNELS.has(x));
}

/** True when the text is one backchannel word of `list` ("yes", "mm", "uh-huh"; "uh huh" counts as one). */
export function isLoneBackchannel(text: string, list: readonly string[]): boolean {
  const joined = words(text).join("-");
  return joined !== "" && list.some((w) => w.toLowerCase() === joined);
}

export class EndOfTurnPolicy {
  readonly o: Required<EndpointingOptions>;

  constructor(opts: EndpointingOptions = {}) {
    const defined = Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined));
    this.o = { ...DEFAULTS, ...defined };
  }

  /**
   * How long to wait, given everything the visitor said in this turn so far and the last partial the STT
   * showed before its final (equal texts mean a stable result).
   */
  decide(text: string, lastPartial?: string): EndpointDecision {
    const w = words(text);
    const last = w[w.length - 1] ?? "";
    const unstable = lastPartial !== undefined && lastPartial.trim() !== "" && words(lastPartial).join(" ") !== w.join(" ");
    const extra = unstable ? this.o.unstableExtraMs : 0;
    if (FILLERS.has(last) || DANGLING.has(last)) return { silenceMs: this.o.hesitantMs + extra, reason: "hesitation" };
    if (w.length === 1) return { silenceMs: Math.max(this.o.singleWordMs, this.o.completeMs) + extra, reason: "single-word" };
    if (w.length >= 3) return { silenceMs: this.o.completeMs + extra, reason: "complete" };
    return { silenceMs: this.o.defaultMs + extra, reason: "default" };
  }
}

export interface BargeInOptions {
  /**
   * how long speech the STT hears only as a backchannel may go on before it interrupts anyway; default 0: off, so a
   * barge-in stays within ~300 ms of onset (the VAD's 250 ms echo minimum already lets short "mm"/"yes" pass)
   */
  maxBackchannelMs?: number;
}

export type BargeInVerdict = "interrupt" | "wait";

/**
 * Visitor speech while the double talks. The VAD (behind the echo guard) already asked for ~250 ms of real
 * speech; this only holds back what the STT hears as a backchannel, until it says more or goes on too long.
 */
export class BargeInPolicy {
  private readonly maxBackchannelMs: number;
  constructor(opts: BargeInOptions = {}) {
    this.maxBackchannelMs = opts.maxBackchannelMs ?? 0;
  }

  judge(partial: string, speechMs: number): BargeInVerdict {
    if (speechMs >= this.maxBackchannelMs) return "interrupt";
    return isBackchannel(partial) ? "wait" : "interrupt";
  }
}
