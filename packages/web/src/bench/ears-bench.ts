import { BinaryKind, int16ToBytes } from "@mirror/protocol";
import { MicCapture } from "../kiosk/audio/capture.js";
import { KioskEars } from "../kiosk/ears/kiosk-ears.js";
import { KioskSocket } from "../kiosk/socket.js";

/**
 * `/bench/ears`: the kiosk's Whisper alone — the same worker, mic history and protocol as the kiosk, connected to
 * Mirror's `/ws` like a kiosk that streams its microphone, without a visit around it. Tests and benchmarks ask the
 * server's bridge for transcripts of what this page's mic heard; `window.earsBench` shows the counts.
 */

const data = document.body.dataset;
const mic = new MicCapture(data.captureWorklet ?? "");
let micSamples = 0;
const socket: KioskSocket = new KioskSocket(KioskSocket.urlFor(location), {
  onOpen: () => {
    socket.send({ type: "hello" });
    ears.announce();
  },
  onClose: () => undefined,
  onBinary: () => undefined,
  onInvalid: (what) => console.error(what),
  onMessage: (m) => {
    if (m.type === "stt-request" || m.type === "stt-cancel") ears.handle(m);
  },
});
const ears = new KioskEars(data.earsWorker ?? "", (m) => socket.send(m));

mic.onFrame((f) => {
  const sample = micSamples;
  micSamples += f.pcm.length;
  ears.history.push(sample, f.pcm);
  socket.sendBinary(BinaryKind.mic, int16ToBytes(f.pcm), 0, sample);
});

(window as unknown as { earsBench: unknown }).earsBench = {
  stats: () => ({ ...ears.stats, micSamples, connected: socket.connected }),
};

socket.connect();
void ears.start();
mic.start().catch((e: unknown) => console.error(`microphone: ${String(e)}`));
