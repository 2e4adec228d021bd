import type { Language } from "@mirror/protocol";
import { MIC_SAMPLE_RATE } from "@mirror/protocol";
import type { Clock } from "./clock.js";
import type { Sink } from "./contracts/sink.js";
import type { EchoReference } from "./echo-reference.js";
import { backchannelRule, heardAsBackchannel } from "./backchannel-rule.js";
import type { Turn } from "./turn.js";

export interface BackchannelOptions {
  /** the words, per language, that resume a paused reply when said alone */
  words: Partial<Record<Language, readonly string[]>>;
  /** single words that interrupt even when short, per language; default DEFAULT_INTERRUPTIONS ("no", "wait", "stop", …) */
  interruptions?: Partial<Record<Language, readonly string[]>>;
  /** what the STT makes of a hum ("the", "and i"): a short stretch of only these resumes; default DEFAULT_FILLERS */
  fillers?: Partial<Record<Language, readonly string[]>>;
  /** speech (VAD onset → last voiced frame) longer than this is not a backchannel; default 800 (flite's "yes" is ~720) */
  maxSpeechMs?: number;
  /** no STT final this long after the onset commits the interrupt; default 2000 (the double is silent meanwhile) */
  decideWithinMs?: number;
}

/** What of a reply the hold needs: the conversation's own record of the reply being played. */
export interface HeldReply {
  turn: Turn;
  playbackStartedAt: number | null;
  ended: boolean;
}

/** What of a segment of visitor speech the hold needs. */
export interface HeldSegment {
  speechEndSample: number;
}

export interface BargeInHoldHost<R extends HeldReply> {
  clock: Clock;
  sinks: readonly Sink[];
  reference: EchoReference | null;
  /** the mic sample the VAD has reached (the decision's clock) */
  micPosition(): number;
  /** the mic samples the player may still play after being told to stop */
  stopLagSamples: number;
  /** the interrupt as without a hold, except that the double is already silent since `silencedSample` */
  interrupt(reply: R, onset: number, silencedSample: number): void;
}

interface Hold<R, S> {
  reply: R;
  segment: S | null;
  /** the deciding segment's VAD offset came */
  segmentEnded: boolean;
  onset: number;
  onsetSample: number;
  pausedSample: number;
  pausedAt: number;
  safety: NodeJS.Timeout;
}

/** The words that resume a paused reply when said alone (config stages.bargeIn.words defaults to these). */
export const DEFAULT_BACKCHANNEL_WORDS: Record<Language, readonly string[]> = {
  en: ["mm", "hm", "hmm", "mhm", "yes", "yeah", "uh-huh", "okay", "ok", "right"],
  nl: ["ja", "jawel", "hm", "hmm", "mm", "oké", "oke"],
};

/** Barge-in pauses, then decides, with the default words (what a visit gets unless the config turns it off). */
export const DEFAULT_BACKCHANNELS: BackchannelOptions = { words: DEFAULT_BACKCHANNEL_WORDS };

const DEFAULT_DECIDE_WITHIN_MS = 2000;
const DEFAULT_MAX_SPEECH_MS = 800;
/** a stretch still open this long past maxSpeechMs is longer than it for sure (the VAD's hangover is ~160 ms) */
const OPEN_STRETCH_MARGIN_MS = 300;

const msToMicSamples = (ms: number) => Math.round((ms * MIC_SAMPLE_RATE) / 1000);

/**
 * Barge-in that pauses, then decides: visitor speech over the double silences the reply at once, keeping its place;
 * a lone backchannel ("yes", "mm") resumes it, anything else commits the interrupt.
 */
export class BargeInHold<R extends HeldReply, S extends HeldSegment> {
  private hold: Hold<R, S> | null = null;

  constructor(
    private readonly o: BackchannelOptions,
    private readonly host: BargeInHoldHost<R>,
  ) {}

  get holding(): boolean {
    return this.hold !== null;
  }

  /** The double falls silent at once, keeping its place, until the stretch of speech shows what it was. */
  pause(reply: R, onset: number, onsetSample: number): void {
    reply.turn.mark("bargeInStart", onset);
    for (const s of this.host.sinks) s.write({ type: "pause", turnId: reply.turn.id });
    reply.turn.mark("bargeInStop");
    const pausedSample = this.host.micPosition() + this.host.stopLagSamples;
    this.host.reference?.paused(reply.turn.id, pausedSample);
    // the mic stream is the clock of the decision; this only covers a microphone that stops sending
    const safety = setTimeout(() => this.commit(), (this.o.decideWithinMs ?? DEFAULT_DECIDE_WITHIN_MS) + 1000);
    safety.unref?.();
    this.hold = { reply, segment: null, segmentEnded: false, onset, onsetSample, pausedSample, pausedAt: this.host.clock.now(), safety };
  }

  /** The first segment that starts while holding is the one whose words decide. */
  segmentStarted(seg: S): void {
    if (this.hold && this.hold.segment === null) this.hold.segment = seg;
  }

  /** The deciding segment's VAD offset: from now on only its STT final is awaited. */
  segmentEnded(seg: S): void {
    if (this.hold?.segment === seg) this.hold.segmentEnded = true;
  }

  /**
   * Still talking past maxSpeechMs: not a backchannel, commit now. No STT final decideWithinMs after the onset (a
   * slow STT): commit. The length of a stretch that ended is checked at its final.
   */
  decideIfDue(): void {
    const h = this.hold;
    if (!h) return;
    const heard = this.host.micPosition() - h.onsetSample;
    const tooLong = !h.segmentEnded && heard > msToMicSamples((this.o.maxSpeechMs ?? DEFAULT_MAX_SPEECH_MS) + OPEN_STRETCH_MARGIN_MS);
    if (tooLong || heard > msToMicSamples(this.o.decideWithinMs ?? DEFAULT_DECIDE_WITHIN_MS)) this.commit();
  }

  /**
   * The stretch over the double ended and the STT has its words: a short one heard as a backchannel (see
   * backchannel-rule.ts) resumes the reply (true: the words are not a turn). `speaking`: the visitor has started
   * another stretch since.
   */
  decide(seg: S, text: string, language: Language, speaking: boolean): boolean {
    const h = this.hold;
    if (!h || h.segment !== seg) return false;
    const short = seg.speechEndSample - h.onsetSample <= msToMicSamples(this.o.maxSpeechMs ?? DEFAULT_MAX_SPEECH_MS);
    if (!speaking && short && heardAsBackchannel(text, backchannelRule(language, this.o)) && !h.reply.ended) {
      this.release();
      for (const s of this.host.sinks) s.write({ type: "resume", turnId: h.reply.turn.id });
      this.host.reference?.resumed(h.reply.turn.id, this.host.micPosition());
      if (h.reply.playbackStartedAt !== null) h.reply.playbackStartedAt += this.host.clock.now() - h.pausedAt;
      return true;
    }
    this.commit();
    return false;
  }

  /** Not a backchannel (more speech, too long, no decision in time): the interrupt goes through. */
  commit(): void {
    const h = this.hold;
    if (!h) return;
    this.release();
    if (!h.reply.ended) this.host.interrupt(h.reply, h.onset, h.pausedSample);
  }

  /** Drops the hold without a decision (the visit ends). */
  release(): void {
    if (this.hold) clearTimeout(this.hold.safety);
    this.hold = null;
  }
}
