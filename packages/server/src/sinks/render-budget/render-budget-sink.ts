import type { StageInfo } from "../../core/contracts/common.js";
import type { OutputEvent, Sink } from "../../core/contracts/sink.js";
import type { BrowserChannel } from "../browser/browser-sink.js";

/**
 * The GPU budget's renderer cap: tells the kiosk to draw at most `maxFps` from the start of a reply (the LLM and
 * F5 are working) until its end or interrupt, then lifts the cap. Overlapping turns keep the cap until the last ends.
 */
export class RenderBudgetSink implements Sink {
  readonly info: StageInfo = { id: "sink/render-budget", stage: "sink", languages: "any", local: true };
  private readonly speaking = new Set<number>();

  constructor(
    private readonly channel: Pick<BrowserChannel, "send">,
    private readonly maxFps: number,
  ) {}

  write(ev: OutputEvent): void {
    if (ev.type === "turn-start") {
      if (this.speaking.size === 0) this.channel.send({ type: "render-budget", maxFps: this.maxFps });
      this.speaking.add(ev.turnId);
    } else if (ev.type === "turn-end" || ev.type === "interrupt") {
      if (!this.speaking.delete(ev.turnId) || this.speaking.size > 0) return;
      this.channel.send({ type: "render-budget", maxFps: null });
    }
  }

  async close(): Promise<void> {
    await Promise.resolve();
    if (this.speaking.size > 0) this.channel.send({ type: "render-budget", maxFps: null });
    this.speaking.clear();
  }
}
