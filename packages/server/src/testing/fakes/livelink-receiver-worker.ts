import { parentPort } from "node:worker_threads";
import { raiseThreadPriority } from "../../sinks/livelink/thread-timing.js";
import { FakeLiveLinkReceiver } from "./livelink-receiver.js";
import type { ReceiverThreadMessage } from "./livelink-receiver-thread.js";

const port = parentPort;
if (!port) throw new Error("livelink-receiver-worker must run in a worker thread");
const priority = raiseThreadPriority(20);
const rx = await new FakeLiveLinkReceiver().start();
port.postMessage({ type: "listening", port: rx.port, priority } satisfies ReceiverThreadMessage);
port.once("message", () => {
  void rx.close().then(() => port.postMessage({ type: "received", frames: rx.frames, rejected: rx.rejected } satisfies ReceiverThreadMessage));
});
