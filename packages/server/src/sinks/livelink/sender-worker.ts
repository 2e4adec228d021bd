/**
 * The Live Link sender thread: 60 packets a second on its own event loop, so speech recognition or synthesis
 * running on the main thread cannot delay a frame. Each tick asks the scheduler which face belongs to the
 * audio being heard now and sends it; frame numbers go up by one per packet, for the whole run.
 */
import { createSocket } from "node:dgram";
import { lookup } from "node:dns/promises";
import { parentPort, workerData } from "node:worker_threads";
import { encodeLiveLinkPacket, LIVELINK_VALUE_COUNT } from "./packet.js";
import { HeadMotion, liveLinkValues } from "./pose.js";
import { LiveLinkScheduler } from "./scheduler.js";
import { PreciseWait, raiseThreadPriority } from "./thread-timing.js";
import { wallMs, type FromSender, type LiveLinkStats, type LiveLinkTurnStats, type SenderConfig, type ToSender } from "./messages.js";

const cfg = workerData as SenderConfig;
const port = parentPort;
if (!port) throw new Error("sender-worker must run in a worker thread");
const post = (m: FromSender) => port.postMessage(m);

const scheduler = new LiveLinkScheduler(cfg);
const head = new HeadMotion(cfg.fps);
const values = new Float32Array(LIVELINK_VALUE_COUNT);
const IDLE = new Float32Array(52);
const socket = createSocket(cfg.host.includes(":") ? "udp6" : "udp4");
const period = 1000 / cfg.fps;
const jitters: number[] = [];
/** send time − due time of each packet (ms) */
const lateness: number[] = [];
/** the event loop's timer wakes the thread this much before a packet is due; the precise wait does the rest */
const WAKE_EARLY_MS = 2;
const precise = new PreciseWait(wallMs);
const turns = new Map<number, LiveLinkTurnStats>();
let interruptedAt: { turnId: number; at: number } | null = null;
let address = cfg.host;
let frame = 0;
let sendErrors = 0;
let lastSentAt: number | null = null;
let t0 = 0;
let timer: NodeJS.Timeout | null = null;
let closing = false;

function turnStats(turnId: number): LiveLinkTurnStats {
  let s = turns.get(turnId);
  if (!s) {
    s = { turnId, firstFrameAfterAudioMs: null, framesSent: 0, sample0HeardAt: null, interruptToNeutralMs: null };
    turns.set(turnId, s);
  }
  return s;
}

function sendOne(due: number): void {
  const at = wallMs();
  lateness.push(at - due);
  const pose = scheduler.poseAt(at, frame);
  // with the lip-sync's own head motion, the idle head only sways (no nods of its own from the jaw)
  liveLinkValues(pose.weights, head.next(frame, pose.rotations ? IDLE : pose.weights), values, pose.rotations);
  const packet = encodeLiveLinkPacket({ deviceId: cfg.deviceId, subject: cfg.subject, frame, subFrame: 0, fpsNumerator: cfg.fps, fpsDenominator: 1, values });
  socket.send(packet, cfg.port, address, (err) => {
    if (err) sendErrors++;
  });
  if (lastSentAt !== null) jitters.push(Math.abs(at - lastSentAt - period));
  lastSentAt = at;
  frame = (frame + 1) | 0;
  if (pose.turnId !== null) {
    const s = turnStats(pose.turnId);
    const first = scheduler.firstAudioAt(pose.turnId);
    if (s.framesSent === 0 && first !== null) s.firstFrameAfterAudioMs = at - first;
    s.framesSent++;
    s.sample0HeardAt = scheduler.heardAt(pose.turnId);
  } else if (interruptedAt) {
    turnStats(interruptedAt.turnId).interruptToNeutralMs = at - interruptedAt.at;
    interruptedAt = null;
  }
}

/**
 * One packet per tick, each due at t0 + n/fps. The event loop's timer (whole milliseconds, and late when the
 * machine is busy) wakes the thread ~2 ms early; a futex wait then ends on the due instant. Messages from the
 * main thread are handled between packets.
 */
function loop(): void {
  timer = null;
  if (closing) return;
  const due = t0 + frame * period;
  precise.until(due);
  sendOne(due);
  // far behind (the machine stalled): keep the cadence from now on instead of sending a burst
  if (wallMs() - (t0 + frame * period) > 2 * period) t0 = wallMs() - frame * period;
  timer = setTimeout(loop, Math.max(0, t0 + frame * period - WAKE_EARLY_MS - wallMs()));
}

/** Runs the per-packet work until the JIT has compiled it, so the first real packets are not late. */
function prime(): void {
  const warm = new LiveLinkScheduler(cfg);
  const warmHead = new HeadMotion(cfg.fps);
  const rotations = new Float32Array(9);
  warm.turnStart(0);
  warm.audio(0, 0);
  warm.frames(0, Array.from({ length: 60 }, (_, n) => ({ sample: (n * cfg.sampleRate) / cfg.fps, weights: new Float32Array(52).fill(0.1), rotations })));
  for (let n = 0; n < 600; n++) {
    const pose = warm.poseAt(n * 2, n);
    liveLinkValues(pose.weights, warmHead.next(n, pose.rotations ? IDLE : pose.weights), values, pose.rotations);
    encodeLiveLinkPacket({ deviceId: cfg.deviceId, subject: cfg.subject, frame: n, subFrame: 0, fpsNumerator: cfg.fps, fpsDenominator: 1, values });
    precise.until(wallMs());
  }
}

function stats(): LiveLinkStats {
  const sorted = [...jitters].sort((a, b) => a - b);
  const late = [...lateness].sort((a, b) => a - b);
  const q = (xs: number[], p: number) => (xs.length ? (xs[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? 0) : 0);
  const r = (x: number) => Math.round(x * 100) / 100;
  return {
    target: `${cfg.host}:${cfg.port}`,
    packetsSent: frame,
    threadPriority: priority,
    latenessP95Ms: r(q(late, 0.95)),
    sendErrors,
    jitterP50Ms: r(q(sorted, 0.5)),
    jitterP95Ms: r(q(sorted, 0.95)),
    jitterMaxMs: r(sorted[sorted.length - 1] ?? 0),
    turns: [...turns.values()].map((t) => ({ ...t, firstFrameAfterAudioMs: t.firstFrameAfterAudioMs === null ? null : r(t.firstFrameAfterAudioMs), interruptToNeutralMs: t.interruptToNeutralMs === null ? null : r(t.interruptToNeutralMs) })),
  };
}

port.on("message", (m: ToSender) => {
  switch (m.type) {
    case "turn-start":
      turns.delete(m.turnId);
      return scheduler.turnStart(m.turnId);
    case "audio":
      return scheduler.audio(m.turnId, m.at);
    case "frames":
      return scheduler.frames(m.turnId, m.frames);
    case "turn-end":
      return scheduler.turnEnd(m.turnId, m.totalSamples);
    case "playback":
      return scheduler.playbackStarted(m.turnId, m.at);
    case "interrupt":
      interruptedAt = { turnId: m.turnId, at: m.at };
      return scheduler.interrupt(m.turnId);
    case "pause":
      return scheduler.pause(m.turnId, m.at);
    case "resume":
      return scheduler.resume(m.turnId, m.at);
    case "stats":
      return post({ type: "stats", id: m.id, stats: stats() });
    case "close":
      closing = true;
      if (timer) clearTimeout(timer);
      socket.close(() => post({ type: "closed" }));
      return;
  }
});

// busy speech threads must not delay a packet: real-time class where permitted, else a nice value
const priority = raiseThreadPriority(cfg.realtimePriority);

void (async () => {
  try {
    address = (await lookup(cfg.host)).address;
  } catch (err) {
    post({ type: "error", message: `cannot resolve ${cfg.host}: ${(err as Error).message}` });
  }
  // bound now: an unbound socket binds on its first send, asynchronously, and holds the first packets back
  await new Promise<void>((resolve) => socket.bind(0, resolve));
  prime();
  // the first sends and timers load code lazily (tens of ms on a busy machine): send a few datagrams to this
  // socket itself, through the same path, before the first real packet
  const self = socket.address();
  for (let n = 0; n < 20; n++) {
    await new Promise<void>((resolve) => socket.send(Buffer.alloc(1), self.port, self.family === "IPv6" ? "::1" : "127.0.0.1", () => resolve()));
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  t0 = wallMs();
  post({ type: "ready" });
  loop();
})();
