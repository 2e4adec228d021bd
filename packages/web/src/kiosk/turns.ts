import {
  BinaryKind,
  LIP_FPS,
  OUTPUT_SAMPLE_RATE,
  bytesToInt16,
  int16ToBytes,
  type BinaryFrame,
  type ClientMessage,
  type ServerMessageOf,
} from "@mirror/protocol";
import type { MicCapture } from "./audio/capture.js";
import type { PlayerEvent, ReplyPlayer } from "./audio/player.js";
import type { PlayingPosition, RenderedFrame } from "./renderer/animator.js";
import type { FrameTimeline } from "./renderer/timeline.js";
import type { KioskSocket } from "./socket.js";
import type { KioskStats } from "./stats.js";

/** A mouth weight above this counts as visible lip motion. */
export const LIP_MOTION_THRESHOLD = 0.05;
/** Past the last face frame of a turn, hold it this long before falling back to neutral. */
export const HOLD_SAMPLES = Math.round((OUTPUT_SAMPLE_RATE * 4) / LIP_FPS);
/** Mic frames are skipped while this much is still queued on the socket (a stalled link, not a backlog). */
const MAX_SOCKET_BACKLOG = 256 * 1024;

interface TurnState {
  lipMotionSent: boolean;
}

type TurnMessage = ServerMessageOf<"turn-start" | "frames" | "turn-end" | "interrupt" | "playback-pause" | "playback-resume">;

/**
 * The live part of the conversation: streams the microphone, feeds the double's audio and face frames to the player
 * and the timeline, drops whatever belongs to an interrupted turn, and tells the server what was really played.
 */
export class TurnPlayback {
  private readonly turns = new Map<number, TurnState>();
  private readonly interrupted = new Set<number>();
  private micSample = 0;
  private stopMic: (() => void) | null = null;

  constructor(
    private readonly socket: KioskSocket,
    private readonly player: ReplyPlayer,
    private readonly timeline: FrameTimeline,
    private readonly capture: MicCapture,
    private readonly stats: KioskStats,
    /** sees every mic frame with its stamp, sent or skipped (the kiosk's Whisper keeps them) */
    private readonly tap?: (sample: number, pcm: Int16Array) => void,
  ) {}

  /** Streams every microphone frame to the server, stamped with its running sample position. */
  startMic(): void {
    if (this.stopMic) return;
    this.stopMic = this.capture.onFrame((f) => {
      const sample = this.micSample;
      this.micSample += f.pcm.length;
      this.tap?.(sample, f.pcm);
      if (this.socket.buffered > MAX_SOCKET_BACKLOG) return;
      this.socket.sendBinary(BinaryKind.mic, int16ToBytes(f.pcm), 0, sample);
    });
  }

  stopMicStream(): void {
    this.stopMic?.();
    this.stopMic = null;
  }

  handle(m: TurnMessage): void {
    switch (m.type) {
      case "turn-start":
        if (this.interrupted.has(m.turnId) || this.turns.has(m.turnId)) return;
        this.turns.set(m.turnId, { lipMotionSent: false });
        this.stats.turnsStarted++;
        break;
      case "frames":
        if (!this.interrupted.has(m.turnId)) this.timeline.add(m.turnId, m.frames);
        break;
      case "turn-end":
        if (!this.interrupted.has(m.turnId)) this.player.end(m.turnId);
        break;
      case "playback-pause":
        if (!this.interrupted.has(m.turnId)) this.player.pause(m.turnId);
        break;
      case "playback-resume":
        if (!this.interrupted.has(m.turnId)) this.player.resume(m.turnId);
        break;
      case "interrupt":
        if (this.interrupted.has(m.turnId)) return;
        this.interrupted.add(m.turnId);
        this.turns.set(m.turnId, this.turns.get(m.turnId) ?? { lipMotionSent: true });
        this.player.flush(m.turnId);
        this.timeline.drop(m.turnId);
        this.stats.turnsInterrupted++;
        break;
    }
  }

  audio(f: BinaryFrame): void {
    if (f.kind !== BinaryKind.replyAudio || this.interrupted.has(f.turnId)) return;
    this.player.push(f.turnId, f.sample, bytesToInt16(f.payload));
  }

  /** The audio clock, as the face must follow it (heard at page time `atMs`): nothing for an interrupted turn. */
  position(atMs?: number): PlayingPosition | null {
    const p = this.player.position(atMs);
    return p && !this.interrupted.has(p.turnId) ? p : null;
  }

  playerEvent(e: PlayerEvent): void {
    if (!this.turns.has(e.turnId)) return; // a turn of an earlier visit, flushed by reset()
    if (e.type === "started") this.stats.turnsPlayed++;
    if (e.type === "ended") {
      // the face may still hold the last frame for a moment
      window.setTimeout(() => this.timeline.drop(e.turnId), 1000);
    }
    this.whenAudible(e.time, (agoMs) =>
      this.send({ type: "playback", turnId: e.turnId, event: e.type, agoMs, sample: e.sample }),
    );
  }

  rendered(f: RenderedFrame): void {
    if (f.jawOpen > this.stats.maxJawOpen) this.stats.maxJawOpen = f.jawOpen;
    if (!f.position || f.mouth <= LIP_MOTION_THRESHOLD) return;
    this.stats.lipMotionFrames++;
    const turn = this.turns.get(f.position.turnId);
    if (!turn || turn.lipMotionSent) return;
    turn.lipMotionSent = true;
    const { turnId, sample } = f.position;
    // the frame is on screen at `shownAt`, which may still be ahead: report it once it is seen
    const report = () => this.send({ type: "playback", turnId, event: "first-lip-motion", agoMs: Math.max(0, performance.now() - f.shownAt), sample });
    const aheadMs = f.shownAt - performance.now();
    if (aheadMs > 0) window.setTimeout(report, aheadMs);
    else report();
  }

  /** Forgets every turn (end of a visit). */
  reset(): void {
    this.stopMicStream();
    this.player.reset();
    this.timeline.clear();
    this.turns.clear();
    this.interrupted.clear();
    this.micSample = 0;
  }

  /** Calls back once the speaker has played context time `time`, with how long ago that was. */
  private whenAudible(time: number, fn: (agoMs: number) => void): void {
    const ago = this.player.msSinceAudible(time);
    if (ago >= 0) fn(Math.min(ago, 10_000));
    // timers fire late on a busy page: measure again rather than assume "just now"
    else window.setTimeout(() => fn(Math.min(10_000, Math.max(0, this.player.msSinceAudible(time)))), -ago);
  }

  private send(m: ClientMessage): void {
    this.socket.send(m);
  }
}
