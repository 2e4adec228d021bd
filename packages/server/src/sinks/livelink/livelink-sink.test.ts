import { afterEach, describe, expect, it } from "vitest";
import { ARKIT_52, BLENDSHAPE_INDEX as I, LIP_FPS, OUTPUT_SAMPLE_RATE as SR } from "@mirror/protocol";
import type { LipFrame } from "../../core/contracts/lipsync.js";
import { decodeLiveLinkDatagram, FakeLiveLinkReceiver, LIVE_LINK_CURVES, percentile, type DecodedLiveLinkFrame } from "../../testing/fakes/livelink-receiver.js";
import { LiveLinkSink, parseHostPort } from "./livelink-sink.js";
import { wallMs } from "./messages.js";
import { encodeLiveLinkPacket } from "./packet.js";

const FRAME = SR / LIP_FPS;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mouth = (f: DecodedLiveLinkFrame) => Math.max(f.curves.JawOpen, f.curves.MouthFunnel, f.curves.MouthPucker, f.curves.MouthClose);

/** A reply of `seconds`: jaw open (0.6) only between `from` and `to` seconds. */
function replyFrames(seconds: number, from: number, to: number): LipFrame[] {
  const out: LipFrame[] = [];
  for (let n = 0; n * FRAME < seconds * SR; n++) {
    const w = new Float32Array(ARKIT_52.length);
    const t = n / LIP_FPS;
    if (t >= from && t < to) w[I.jawOpen] = 0.6;
    out.push({ sample: Math.round(n * FRAME), weights: w });
  }
  return out;
}

describe("Live Link packet", () => {
  it("decodes field by field with the documented layout (independent decoder)", () => {
    const values = new Float32Array(61).map((_, i) => (i < 52 ? i / 100 : (i - 56) / 10));
    const buf = encodeLiveLinkPacket({ deviceId: "mirror-1", subject: "Ada", frame: 1234, subFrame: 0.25, fpsNumerator: 60, fpsDenominator: 1, values });
    expect(buf[0]).toBe(6);
    const d = decodeLiveLinkDatagram(buf);
    expect(d).toMatchObject({ version: 6, deviceId: "mirror-1", subject: "Ada", frameNumber: 1234, subFrame: 0.25, fpsNumerator: 60, fpsDenominator: 1, count: 61 });
    expect(d.curves.EyeBlinkLeft).toBe(0);
    expect(d.curves.JawOpen).toBeCloseTo(0.17, 6);
    expect(d.curves.TongueOut).toBeCloseTo(0.51, 6);
    expect(d.curves.HeadYaw).toBeCloseTo(-0.4, 6);
    expect(d.curves.RightEyeRoll).toBeCloseTo(0.4, 6);
    // the curve order of Mirror's ARKIT_52 is Unreal's: name by name against the list from protocols.md
    ARKIT_52.forEach((n, i) => expect(LIVE_LINK_CURVES[i]!.toLowerCase()).toBe(n.toLowerCase()));
  });

  it("the independent decoder rejects what Unreal drops", () => {
    const good = encodeLiveLinkPacket({ deviceId: "d", subject: "s", frame: 1, subFrame: 0, fpsNumerator: 60, fpsDenominator: 1, values: new Float32Array(61) });
    const bad = Buffer.from(good);
    bad[0] = 5;
    expect(() => decodeLiveLinkDatagram(bad)).toThrow(/version/);
    expect(() => decodeLiveLinkDatagram(good.subarray(0, good.length - 4))).toThrow(/truncated/);
    expect(() => encodeLiveLinkPacket({ deviceId: "d", subject: "s".repeat(100), frame: 1, subFrame: 0, fpsNumerator: 60, fpsDenominator: 1, values: new Float32Array(61) })).toThrow();
  });

  it("parses host:port", () => {
    expect(parseHostPort("10.0.0.2:11112", 11111)).toEqual({ host: "10.0.0.2", port: 11112 });
    expect(parseHostPort("unreal-pc", 11111)).toEqual({ host: "unreal-pc", port: 11111 });
    expect(parseHostPort("[::1]:9", 1)).toEqual({ host: "::1", port: 9 });
    expect(() => parseHostPort("a:99999", 1)).toThrow();
  });
});

describe("Live Link sink over 127.0.0.1", () => {
  let rx: FakeLiveLinkReceiver;
  let sink: LiveLinkSink;
  afterEach(async () => {
    await sink.close();
    await rx.close();
  });
  const start = async (audioOffsetMs = 0) => {
    rx = await new FakeLiveLinkReceiver().start();
    sink = new LiveLinkSink({ host: "127.0.0.1", port: rx.port, subject: "Mirror", audioOffsetMs });
    await sink.warmup();
  };

  it("streams 60 fps with continuous frame numbers, mouth moving only while the reply is voiced, neutral after", async () => {
    await start();
    await sleep(150);
    sink.write({ type: "turn-start", turnId: 1, sampleRate: SR, fps: LIP_FPS });
    const frames = replyFrames(0.8, 0.2, 0.5);
    sink.write({ type: "frames", turnId: 1, frames: frames.slice(0, 12) });
    const audioAt = wallMs();
    sink.write({ type: "audio", turnId: 1, pcm: new Float32Array(4800), sample: 0 });
    sink.write({ type: "frames", turnId: 1, frames: frames.slice(12) });
    sink.write({ type: "turn-end", turnId: 1, totalSamples: 0.8 * SR });
    await sleep(1100);
    const stats = await sink.stats();

    expect(rx.rejected).toEqual([]);
    expect(rx.frames.length).toBeGreaterThan(70);
    expect(rx.gaps()).toEqual([]);
    expect(rx.frames.every((f) => f.subject === "Mirror" && f.fpsNumerator === 60 && f.fpsDenominator === 1)).toBe(true);
    const jitter = rx.arrivalJitter();
    // Sent on time by the sender's own clock: a real-time sender thread holds the acceptance figure (p95 ≤ 4 ms)
    // beside other test files on shared CPUs; without the permission to be real-time the bound leaves room for
    // that machine's scheduling. The receiver-side figure of a real demo run is bench/livelink-demo.ts's.
    expect(stats.jitterP95Ms).toBeLessThanOrEqual(stats.threadPriority === "realtime" ? 4 : 8);
    expect(stats.latenessP95Ms).toBeLessThanOrEqual(stats.threadPriority === "realtime" ? 4 : 8);
    // the receiver shares this test worker's thread, late itself when the box is loaded (seen: 9 ms median at
    // load 18 on 2 cores); a cadence that breaks (bursts) shows as a median near one period
    expect(percentile(jitter, 0.5)).toBeLessThanOrEqual(10);

    const sentAt = (f: DecodedLiveLinkFrame) => f.receivedAt - audioAt;
    const moving = rx.frames.filter((f) => mouth(f) > 0.01);
    expect(moving.length).toBeGreaterThan(12);
    for (const f of moving) {
      expect(sentAt(f)).toBeGreaterThan(200 - 1000 / 60 - 3);
      expect(sentAt(f)).toBeLessThan(500 + 1000 / 60 + 3);
    }
    // voiced middle: open; before and after the reply: neutral mouth (blinks allowed), head still alive
    const mid = rx.frames.filter((f) => sentAt(f) > 260 && sentAt(f) < 440);
    expect(mid.length).toBeGreaterThan(5);
    for (const f of mid) expect(f.curves.JawOpen).toBeGreaterThan(0.5);
    const after = rx.frames.filter((f) => sentAt(f) > 900);
    expect(after.length).toBeGreaterThan(5);
    for (const f of after) expect(mouth(f)).toBe(0);
    expect(new Set(rx.frames.map((f) => f.curves.HeadYaw.toFixed(4))).size).toBeGreaterThan(10);

    const turn = stats.turns.find((t) => t.turnId === 1)!;
    expect(turn.framesSent).toBeGreaterThanOrEqual(45);
    expect(turn.firstFrameAfterAudioMs).not.toBeNull();
    expect(turn.firstFrameAfterAudioMs!).toBeLessThanOrEqual(1000 / 60 + 4);
  });

  it("returns to the neutral face within a frame or two of an interrupt", async () => {
    await start();
    sink.write({ type: "turn-start", turnId: 2, sampleRate: SR, fps: LIP_FPS });
    sink.write({ type: "audio", turnId: 2, pcm: new Float32Array(480), sample: 0 });
    sink.write({ type: "frames", turnId: 2, frames: replyFrames(2, 0, 2) });
    await sleep(300);
    const cutAt = wallMs();
    sink.write({ type: "interrupt", turnId: 2 });
    await sleep(200);
    const stats = await sink.stats();
    const after = rx.frames.filter((f) => f.receivedAt > cutAt);
    const firstNeutral = after.findIndex((f) => mouth(f) === 0);
    expect(firstNeutral).toBeGreaterThanOrEqual(0);
    expect(firstNeutral).toBeLessThanOrEqual(1);
    expect(after.slice(firstNeutral).every((f) => mouth(f) === 0)).toBe(true);
    // measured from the main thread's write(): includes the hop to the sender thread (55 ms seen at load 18)
    expect(stats.turns.find((t) => t.turnId === 2)!.interruptToNeutralMs!).toBeLessThanOrEqual(4 * (1000 / 60));
  });

  it("sends the head and eye rotations that ride with the frames, on top of the idle head", async () => {
    await start();
    sink.write({ type: "turn-start", turnId: 4, sampleRate: SR, fps: LIP_FPS });
    const rotations = Float32Array.from([0.02, -0.03, 0.2, 0.1, -0.05, 0, 0.1, -0.05, 0]);
    const audioAt = wallMs();
    sink.write({ type: "audio", turnId: 4, pcm: new Float32Array(480), sample: 0 });
    sink.write({ type: "frames", turnId: 4, frames: replyFrames(0.5, 0, 0.5).map((f) => ({ ...f, rotations })) });
    await sleep(400);
    const during = rx.frames.filter((f) => f.receivedAt - audioAt > 100 && f.receivedAt - audioAt < 350);
    expect(during.length).toBeGreaterThan(8);
    for (const f of during) {
      expect(f.curves.LeftEyeYaw).toBeCloseTo(0.1, 5);
      expect(f.curves.RightEyeYaw).toBeCloseTo(0.1, 5);
      expect(f.curves.LeftEyePitch).toBeCloseTo(-0.05, 5);
      // the idle sway rolls at most ±0.01 rad
      expect(f.curves.HeadRoll).toBeGreaterThan(0.185);
    }
    expect(rx.rejected).toEqual([]);
  });

  it("shifts the face by the audio offset, and follows a reported playback start", async () => {
    await start(150);
    sink.write({ type: "turn-start", turnId: 3, sampleRate: SR, fps: LIP_FPS });
    const audioAt = wallMs();
    sink.write({ type: "audio", turnId: 3, pcm: new Float32Array(480), sample: 0 });
    sink.write({ type: "frames", turnId: 3, frames: replyFrames(0.4, 0, 0.2) });
    sink.playbackStarted(3, audioAt + 100);
    await sleep(700);
    const moving = rx.frames.filter((f) => mouth(f) > 0.01).map((f) => f.receivedAt - audioAt);
    expect(moving.length).toBeGreaterThan(8);
    // anchored at +100 ms, heard 150 ms later: the mouth opens at ≈ 250 ms and closes at ≈ 450 ms
    expect(Math.min(...moving)).toBeGreaterThan(250 - 1000 / 60 - 3);
    expect(Math.max(...moving)).toBeLessThan(450 + 1000 / 60 + 3);
  });
});
