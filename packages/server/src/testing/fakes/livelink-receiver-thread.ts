/**
 * The Live Link receiver on its own real-time thread, the way Unreal's listener runs on its own thread of
 * another machine: what it measures is the sender's timing, not this box's load on the receiving side.
 */
import type { Worker } from "node:worker_threads";
import { startModuleWorker } from "../../sinks/livelink/ts-worker.js";
import type { DecodedLiveLinkFrame } from "./livelink-receiver.js";

export type ReceiverThreadMessage =
  | { type: "listening"; port: number; priority: string }
  | { type: "received"; frames: DecodedLiveLinkFrame[]; rejected: string[] };

export class ThreadedLiveLinkReceiver {
  port = 0;
  priority = "";
  private worker: Worker | null = null;

  async start(): Promise<this> {
    const w = startModuleWorker(import.meta.url, "livelink-receiver-worker", null);
    this.worker = w;
    const m = await new Promise<ReceiverThreadMessage>((resolve, reject) => {
      w.once("message", resolve);
      w.once("error", reject);
    });
    if (m.type !== "listening") throw new Error("receiver thread did not start");
    this.port = m.port;
    this.priority = m.priority;
    return this;
  }

  /** Stops listening; everything received, in arrival order. */
  async stop(): Promise<{ frames: DecodedLiveLinkFrame[]; rejected: string[] }> {
    const w = this.worker;
    if (!w) return { frames: [], rejected: [] };
    this.worker = null;
    const got = new Promise<ReceiverThreadMessage>((resolve) => w.once("message", resolve));
    w.postMessage("stop");
    const m = await got;
    await w.terminate();
    return m.type === "received" ? { frames: m.frames, rejected: m.rejected } : { frames: [], rejected: [] };
  }
}
