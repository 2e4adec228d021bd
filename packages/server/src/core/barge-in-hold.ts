import type { Language } from "@mirror/protocol";
import { MIC_SAMPLE_RATE } from "@mirror/protocol";
import type { Clock } from "./clock.js";
import type { Sink } from "./contracts/sink.js";
import type { EchoReference } from "./echo-reference.js";
import { isLoneBackchannel } from "./endpointing.js";
import type { Turn } from "./turn.js";

export interface BackchannelOptions {
  /** the words, per language, that resume a paused reply when said alone */
  words: Partial<Record<Language, readonly string[]>>;
  /** speech (VAD onset → last voiced frame) longer than this is not a backchannel; default 800 (flite's "yes" is ~720) */
  maxSpeechMs?: number;
  /** no decision this long after the onset commits the interrupt; default 1200 */
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
  onset: number;
  onsetSample: number;
  pausedSample: number;
  pausedAt: number;
  safety: NodeJS.Timeout;
}

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
    const safety = setTimeout(() => this.commit(), (this.o.decideWithinMs ?? 1200) + 1000);
    safety.unref?.();
    this.hold = { reply, segment: null, onset, onsetSample, pausedSample, pausedAt: this.host.clock.now(), safety };
  }

  /** The first segment that starts while holding is the one whose words decide. */
  segmentStarted(seg: S): void {
    if (this.hold && this.hold.segment === null) this.hold.segment = seg;
  }

  /** Still talking (or no STT final) this long after the onset: not a backchannel. The length rule is checked at its end. */
  decideIfDue(): void {
    const h = this.hold;
    if (h && this.host.micPosition() - h.onsetSample > msToMicSamples(this.o.decideWithinMs ?? 1200)) this.commit();
  }

  /**
   * The stretch over the double ended and the STT has its words: a lone backchannel resumes the reply (true: the
   * words are not a turn). `speaking`: the visitor has started another stretch since.
   */
  decide(seg: S, text: string, language: Language, speaking: boolean): boolean {
    const h = this.hold;
    if (!h || h.segment !== seg) return false;
    const short = seg.speechEndSample - h.onsetSample <= msToMicSamples(this.o.maxSpeechMs ?? 800);
    if (!speaking && short && isLoneBackchannel(text, this.o.words[language] ?? []) && !h.reply.ended) {
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
