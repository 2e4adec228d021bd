import { BinaryKind, encodeBinary, int16ToBytes, type ServerMessage } from "@mirror/protocol";
import { float32ToInt16 } from "../../audio/pcm.js";
import type { StageInfo } from "../../core/contracts/common.js";
import type { OutputEvent, Sink } from "../../core/contracts/sink.js";

export interface BrowserChannel {
  send(message: ServerMessage): void;
  sendBinary(bytes: Uint8Array): void;
}

/**
 * The kiosk's sink: audio as binary int16 frames stamped with their sample position, lip frames as JSON.
 * The browser plays and animates on its own audio clock; an interrupt makes it flush whatever it holds.
 */
export class BrowserSink implements Sink {
  readonly info: StageInfo = { id: "sink/browser", stage: "sink", languages: "any", local: true };
  private readonly interrupted = new Set<number>();

  constructor(private readonly channel: BrowserChannel) {}

  write(ev: OutputEvent): void {
    if (ev.type !== "interrupt" && this.interrupted.has(ev.turnId)) return;
    switch (ev.type) {
      case "turn-start":
        this.channel.send({ type: "turn-start", turnId: ev.turnId, sampleRate: ev.sampleRate, fps: ev.fps });
        break;
      case "text":
        this.channel.send({ type: "reply-text", turnId: ev.turnId, text: ev.text });
        break;
      case "audio":
        this.channel.sendBinary(encodeBinary(BinaryKind.replyAudio, int16ToBytes(float32ToInt16(ev.pcm)), ev.turnId, ev.sample));
        break;
      case "frames":
        this.channel.send({
          type: "frames",
          turnId: ev.turnId,
          frames: ev.frames.map((f) => ({
            sample: f.sample,
            w: Array.from(f.weights, (x) => Math.round(x * 1000) / 1000),
            ...(f.rotations ? { r: Array.from(f.rotations, (x) => Math.round(x * 10000) / 10000) } : {}),
          })),
        });
        break;
      case "turn-end":
        this.channel.send({ type: "turn-end", turnId: ev.turnId, totalSamples: ev.totalSamples });
        break;
      case "pause":
        this.channel.send({ type: "playback-pause", turnId: ev.turnId });
        break;
      case "resume":
        this.channel.send({ type: "playback-resume", turnId: ev.turnId });
        break;
      case "interrupt":
        this.interrupted.add(ev.turnId);
        this.channel.send({ type: "interrupt", turnId: ev.turnId });
        break;
    }
  }
}
