import { PLAYER_PROCESSOR, type PlayerCommand, type PlayerReport } from "./messages.js";
import { TurnQueue, type QueueEvent } from "./turn-queue.js";

/** Plays the double's voice (float32 at the context rate, which is the output rate) and reports what it plays. */
class PlayerProcessor extends AudioWorkletProcessor {
  private readonly queue = new TurnQueue(sampleRate * 2, sampleRate);
  private readonly reportEvery = Math.max(1, Math.round((0.01 * sampleRate) / 128));
  private blocks = 0;

  constructor(options: AudioWorkletNodeOptions) {
    super(options);
    this.port.onmessage = (e: MessageEvent<PlayerCommand>) => this.command(e.data);
  }

  process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const out = outputs[0];
    const first = out?.[0];
    if (!out || !first) return true;
    const pos = this.queue.position();
    const events = this.queue.render(first);
    for (let c = 1; c < out.length; c++) out[c]?.set(first);
    if (this.blocks++ % this.reportEvery === 0 || events.length > 0) {
      this.post({
        type: "pos",
        turnId: pos?.turnId ?? null,
        sample: pos?.sample ?? 0,
        time: currentTime,
        playedSamples: this.queue.playedSamples,
      });
    }
    for (const e of events) this.postEvent(e, currentTime + e.offset / sampleRate);
    return true;
  }

  private command(cmd: PlayerCommand): void {
    switch (cmd.type) {
      case "push":
        this.queue.push(cmd.turnId, cmd.sample, cmd.pcm);
        break;
      case "end":
        this.queue.end(cmd.turnId);
        break;
      case "flush":
        this.postEvent(this.queue.flush(cmd.turnId), currentTime);
        break;
      case "pause":
        this.queue.pause(cmd.turnId);
        break;
      case "resume":
        this.queue.resume(cmd.turnId);
        break;
      case "reset":
        for (const e of this.queue.reset()) this.postEvent(e, currentTime);
        break;
    }
  }

  private postEvent(e: QueueEvent, time: number): void {
    this.post({ type: e.type, turnId: e.turnId, sample: e.sample, time });
  }

  private post(r: PlayerReport): void {
    this.port.postMessage(r);
  }
}

registerProcessor(PLAYER_PROCESSOR, PlayerProcessor);
