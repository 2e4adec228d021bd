/**
 * The Live Link acceptance run, as Unreal would see it: a receiver in this (otherwise idle) process decodes
 * every datagram of a real-time `mirror demo --livelink` with the independent decoder, then checks frame
 * numbers, arrival jitter, and that the mouth curves move only while the reply is voiced.
 *
 *   npx tsx packages/server/src/bench/livelink-demo.ts [--visitor fixtures/visitor-1] [--out out/livelink-demo]
 *
 * Mouth vs voice: a packet that arrived at wall time t shows reply sample (t − sample0HeardAt)·rate, where
 * sample0HeardAt is when the sender took the reply's first sample to be heard (the player's reported start).
 */
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs, promisify } from "node:util";
import { OUTPUT_SAMPLE_RATE as SR } from "@mirror/protocol";
import { decodeWav } from "../audio/wav.js";
import { arrivalJitter, frameNumberGaps, percentile, type DecodedLiveLinkFrame } from "../testing/fakes/livelink-receiver.js";
import { ThreadedLiveLinkReceiver } from "../testing/fakes/livelink-receiver-thread.js";

const MOUTH_CURVES = ["JawOpen", "MouthClose", "MouthFunnel", "MouthPucker", "MouthStretchLeft", "MouthStretchRight", "MouthLowerDownLeft", "MouthUpperUpLeft", "MouthPressLeft", "MouthSmileLeft"] as const;
const FRAME_MS = 1000 / 60;
/** a reply's voice: 10 ms RMS above −40 dBFS; pauses shorter than 150 ms stay one voiced stretch (a word's stop) */
const VOICED_DB = -40;
const BRIDGE_MS = 150;
/** the mouth may lead or trail the voice by this much (one frame), plus the packet's arrival jitter */
const TOLERANCE_MS = FRAME_MS;

interface TurnStats {
  turnId: number;
  sample0HeardAt: number | null;
  framesSent: number;
}

const mouthOf = (f: DecodedLiveLinkFrame) => Math.max(...MOUTH_CURVES.map((c) => f.curves[c]));

/** Voiced stretches of a reply (ms from its first sample). */
function voicedMs(pcm: Float32Array): Array<[number, number]> {
  const win = SR / 100;
  const out: Array<[number, number]> = [];
  for (let i = 0; i + win <= pcm.length; i += win) {
    let e = 0;
    for (let k = i; k < i + win; k++) e += pcm[k]! ** 2;
    if (10 * Math.log10(e / win + 1e-12) < VOICED_DB) continue;
    const from = (i / SR) * 1000;
    const last = out[out.length - 1];
    if (last && from - last[1] <= BRIDGE_MS) last[1] = from + 10;
    else out.push([from, from + 10]);
  }
  return out;
}

/** ms from `t` to the nearest voiced stretch (0 inside one). */
function distanceToVoice(t: number, voiced: Array<[number, number]>): number {
  let best = Infinity;
  for (const [a, b] of voiced) best = Math.min(best, t < a ? a - t : t > b ? t - b : 0);
  return best;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { visitor: { type: "string", default: "fixtures/visitor-1" }, out: { type: "string", default: "out/livelink-demo" } } });
  const out = values.out;
  mkdirSync(out, { recursive: true });
  const rx = await new ThreadedLiveLinkReceiver().start();
  const bin = join(import.meta.dirname, "../../../../node_modules/.bin/mirror");
  const { stdout } = await promisify(execFile)(bin, ["demo", "--visitor", values.visitor, "--out", out, "--livelink", `127.0.0.1:${rx.port}`], { timeout: 600_000 });
  await new Promise((r) => setTimeout(r, 200));
  const { frames, rejected } = await rx.stop();

  const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8")) as {
    sinks: { livelink: { sendJitterP95Ms: number; detail: { turns: TurnStats[]; threadPriority: string; latenessP95Ms: number } } };
  };
  const sender = report.sinks.livelink;
  const jitter = arrivalJitter(frames);
  const mouthOutside: number[] = [];
  let moving = 0;
  let voicedInterior = 0;
  let voicedInteriorMoving = 0;
  for (const turn of sender.detail.turns) {
    if (turn.sample0HeardAt === null) continue;
    const wav = decodeWav(new Uint8Array(readFileSync(join(out, `reply-${String(turn.turnId).padStart(2, "0")}.wav`))));
    const voiced = voicedMs(wav.pcm);
    const durationMs = (wav.pcm.length / SR) * 1000;
    for (const f of frames) {
      const t = f.receivedAt - turn.sample0HeardAt;
      if (t < -500 || t > durationMs + 500) continue;
      const d = distanceToVoice(t, voiced);
      const m = mouthOf(f);
      if (m > 0.01) {
        moving++;
        if (d > 0) mouthOutside.push(d);
      }
      if (d === 0 && distanceToVoice(t - 60, voiced) === 0 && distanceToVoice(t + 60, voiced) === 0) {
        voicedInterior++;
        if (m > 0.01) voicedInteriorMoving++;
      }
    }
  }
  mouthOutside.sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 100) / 100;
  const result = {
    packets: frames.length,
    rejected: rejected.length,
    frameNumberGaps: frameNumberGaps(frames).length,
    receiverThread: rx.priority,
    receiverJitterMs: { p50: r(percentile(jitter, 0.5)), p95: r(percentile(jitter, 0.95)), p99: r(percentile(jitter, 0.99)), max: r(jitter[jitter.length - 1] ?? 0) },
    senderJitterP95Ms: sender.sendJitterP95Ms,
    senderLatenessP95Ms: sender.detail.latenessP95Ms,
    threadPriority: sender.detail.threadPriority,
    mouthMovingPackets: moving,
    mouthMovingOutsideVoiceBeyondOneFrame: mouthOutside.filter((d) => d > TOLERANCE_MS + percentile(jitter, 0.95)).length,
    mouthOutsideVoiceMs: { count: mouthOutside.length, p50: r(percentile(mouthOutside, 0.5)), max: r(mouthOutside[mouthOutside.length - 1] ?? 0) },
    voicedInteriorPacketsMoving: `${voicedInteriorMoving}/${voicedInterior}`,
    // head and eyes: how far they travel, and how many distinct gaze directions the packets show
    headYawRangeRad: r(Math.max(...frames.map((f) => f.curves.HeadYaw)) - Math.min(...frames.map((f) => f.curves.HeadYaw))),
    distinctEyeYaws: new Set(frames.map((f) => f.curves.LeftEyeYaw.toFixed(3))).size,
    browInnerUpMax: r(Math.max(...frames.map((f) => f.curves.BrowInnerUp))),
  };
  writeFileSync(join(out, "livelink-check.json"), JSON.stringify(result, null, 2));
  console.log(stdout.split("\n").filter((l) => l.startsWith("sink ")).join("\n"));
  console.log(JSON.stringify(result, null, 2));
}

await main();
