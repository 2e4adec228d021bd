/**
 * Bad input, tried for real over the WebSocket: every case gets a kind message (or ends cleanly), the server
 * keeps running, and a bystander visit on the same server still gets its answer. Each case records what the
 * visitor sees and how long it took (printed as a table at the end: docs/operations.md keeps it).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BinaryKind, int16ToBytes, MIC_SAMPLE_RATE, type SampleProblem } from "@mirror/protocol";
import { resample } from "../audio/pcm.js";
import type { RecordedVisitor } from "../demo/visitor.js";
import { GUIDE_FACE, KioskClient } from "../testing/kiosk-client.js";
import { fixtureVisitor, startTestServer, type TestServer } from "../testing/test-server.js";

const table: Array<{ input: string; sees: string; recoverMs: number }> = [];
let t: TestServer;
let v: RecordedVisitor;
let bystander: KioskClient;

function row(input: string, sees: string, t0: number): void {
  table.push({ input, sees, recoverMs: Math.round(performance.now() - t0) });
}

/** The other visit on the server still gets an answer to what it says. */
async function bystanderAnswers(): Promise<void> {
  const from = bystander.messages.length;
  const turn = v.turns[0];
  if (!turn) throw new Error("fixture without turns");
  await bystander.speak(turn.pcm, 20);
  await bystander.speak(new Int16Array(MIC_SAMPLE_RATE), 20);
  await bystander.next("turn-start", { from, timeoutMs: 15_000 }).catch((e: unknown) => {
    throw new Error(`bystander: ${String(e).slice(0, 200)} errors: ${JSON.stringify(bystander.messages.filter((m) => m.type === "error"))}`);
  });
}

/** A kiosk in the capture phase with its photo accepted. */
async function capturing(): Promise<KioskClient> {
  const k = await KioskClient.connect(t.server.url);
  await k.next("visit");
  k.send({ type: "consent", accepted: true });
  await k.next("phase", { where: (m) => m.phase === "capture" });
  k.send({ type: "photo-meta", mime: v.photoMime, face: GUIDE_FACE });
  k.sendBinary(BinaryKind.photo, v.photo);
  expect((await k.next("photo-result")).ok).toBe(true);
  return k;
}

const toInt16 = (f: Float32Array) => Int16Array.from(f, (x) => Math.max(-32768, Math.min(32767, Math.round(x * 32767))));

beforeAll(async () => {
  v = fixtureVisitor();
  // this suite's visitors speak 20× faster than real time, so the flood guard is opened wide here (its own test uses the defaults)
  t = await startTestServer({ server: { limits: { flood: { messagesPerSecond: 10_000, burst: 20_000, maxDropped: 100_000, windowMs: 10_000 } } } });
  bystander = await KioskClient.connect(t.server.url);
  await bystander.startVisit(v.photo, v.sample);
}, 60_000);

afterAll(async () => {
  await bystander?.close();
  await t?.close();
  console.log(["input | what the visitor sees | time to recover (ms)", ...table.map((r) => `${r.input} | ${r.sees} | ${r.recoverMs}`)].join("\n"));
});

describe("bad voice samples get a kind retry message; a good one then goes through", () => {
  const f = () => Float32Array.from(v.sample, (x) => x / 32768);
  const cases: Array<[string, () => Int16Array, SampleProblem]> = [
    ["silent sample", () => new Int16Array(v.sample.length), "no-speech"],
    ["pure-noise sample", () => Int16Array.from({ length: v.sample.length }, (_, i) => Math.round(Math.sin(i * 12.9898) * 43758.5453 % 1 * 9000)), "no-speech"],
    ["clipped sample (×20 gain)", () => toInt16(f().map((x) => Math.max(-1, Math.min(1, x * 20)))), "clipped"],
    ["1-second sample", () => v.sample.slice(0, MIC_SAMPLE_RATE), "too-short"],
    ["4-minute sample", () => new Int16Array(240 * MIC_SAMPLE_RATE).fill(1000), "too-long"],
    ["48 kHz audio sent as 16 kHz", () => toInt16(resample(f(), MIC_SAMPLE_RATE, 48_000)), "odd-speed"],
  ];
  for (const [name, make, problem] of cases) {
    it(name, async () => {
      const k = await capturing();
      const t0 = performance.now();
      k.sendBinary(BinaryKind.voiceSample, int16ToBytes(make()));
      const r = await k.next("sample-result");
      expect(r.ok).toBe(false);
      expect(r.problems).toContain(problem);
      expect(r.message).toMatch(/please/i);
      row(name, `"${r.message}"`, t0);
      // the visitor tries again, and the visit carries on
      k.sendBinary(BinaryKind.voiceSample, int16ToBytes(v.sample));
      await k.next("clone-ready");
      await k.close();
      await bystanderAnswers();
    });
  }

  it("10-minute sample (19 MB, over the WebSocket limit): the connection is closed, the visit purged, a reconnect starts afresh", async () => {
    const k = await capturing();
    const visitId = k.messages.find((m) => m.type === "visit")?.visitId;
    const t0 = performance.now();
    k.sendBinary(BinaryKind.voiceSample, int16ToBytes(new Int16Array(600 * MIC_SAMPLE_RATE).fill(1000)));
    await expect(k.next("sample-result", { timeoutMs: 10_000 })).rejects.toThrow(/closed 1009/);
    const again = await KioskClient.connect(t.server.url);
    const fresh = await again.next("visit");
    expect(fresh.visitId).not.toBe(visitId);
    expect(fresh.phase).toBe("attract");
    row("10-minute sample (over the 9 MB frame limit)", "kiosk reconnects to a fresh attract screen", t0);
    await again.close();
    await expect.poll(() => [...t.server.sessions].some((s) => s.visit.id === visitId)).toBe(false);
    await bystanderAnswers();
  });
});

describe("bad photos get a kind re-take message", () => {
  const png = (w: number, h: number) => {
    const b = new Uint8Array(64);
    b.set([137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82]);
    new DataView(b.buffer).setUint32(16, w);
    new DataView(b.buffer).setUint32(20, h);
    return b;
  };
  const detection = (faces: number) => ({ detector: "test", faces, score: 0.9, box: [0.3, 0.2, 0.4, 0.5] as [number, number, number, number], yaw: 0, pitch: 0, roll: 0, luma: 120 });
  const cases: Array<[string, Uint8Array | (() => Uint8Array), object, RegExp]> = [
    ["not an image (text)", new TextEncoder().encode("hello, I am not a photo at all"), GUIDE_FACE, /does not look like a photo/],
    ["huge image (8.5 MB)", () => { const b = new Uint8Array(8.5 * 1024 * 1024); b.set(v.photo); return b; }, GUIDE_FACE, /too large/],
    ["image claiming 30000×30000 pixels", png(30_000, 30_000), GUIDE_FACE, /too large/],
    ["photo with no face", () => v.photo, { ...GUIDE_FACE, detection: detection(0) }, /could not find a face/],
    ["photo with two faces", () => v.photo, { ...GUIDE_FACE, detection: detection(2) }, /more than one face/],
  ];
  for (const [name, bytes, face, message] of cases) {
    it(name, async () => {
      const k = await KioskClient.connect(t.server.url);
      await k.next("visit");
      k.send({ type: "consent", accepted: true });
      k.send({ type: "photo-meta", mime: "image/png", face });
      const t0 = performance.now();
      k.sendBinary(BinaryKind.photo, typeof bytes === "function" ? bytes() : bytes);
      const r = await k.next("photo-result");
      expect(r.ok).toBe(false);
      expect(r.message).toMatch(message);
      row(name, `"${r.message}"`, t0);
      k.send({ type: "photo-meta", mime: v.photoMime, face: GUIDE_FACE });
      k.sendBinary(BinaryKind.photo, v.photo);
      expect((await k.next("photo-result", { from: k.lastIndexOf("photo-result") + 1 })).ok).toBe(true);
      await k.close();
      await bystanderAnswers();
    });
  }
});

describe("bad WebSocket traffic", () => {
  it("messages failing the schema, unreadable frames, out-of-order messages: an error back, the visit goes on", async () => {
    const k = await KioskClient.connect(t.server.url);
    await k.next("visit");
    const t0 = performance.now();
    k.sendRaw("{not json");
    k.send({ type: "consent", accepted: "yes please" });
    k.send({ type: "no-such-message" });
    k.sendRaw(new Uint8Array([99, 1, 2]));
    k.sendRaw(new Uint8Array(40).fill(77)); // a header with an unknown kind
    k.sendBinary(BinaryKind.photo, v.photo); // a photo before consent
    k.send({ type: "start-conversation" }); // before any capture: ignored
    k.send({ type: "playback", turnId: 42, event: "started", agoMs: 5, sample: 0 }); // a turn that never was
    k.send({ type: "end-visit", reason: "operator", extra: "x".repeat(1000) });
    const errors = () => k.messages.filter((m) => m.type === "error").map((m) => (m.type === "error" ? m.code : ""));
    await expect.poll(errors).toEqual(expect.arrayContaining(["bad-message", "bad-frame", "wrong-phase"]));
    row("WS: not JSON / schema violations / unknown frames / out of order", "nothing (errors go to the kiosk's log; it keeps its screen)", t0);
    // the session still works: a whole visit goes through on the same socket
    await k.startVisit(v.photo, v.sample);
    await k.close();
    await bystanderAnswers();
  });

  it("a flood: excess messages are dropped with one warning a second; a long flood closes that connection only", async () => {
    const guarded = await startTestServer();
    const k = await KioskClient.connect(guarded.server.url);
    await k.next("visit");
    const t0 = performance.now();
    for (let i = 0; i < 1000; i++) k.send({ type: "hello" });
    expect((await k.next("error", { where: (m) => m.code === "slow-down" })).message).toMatch(/too many/i);
    row("WS flood: 1 000 messages at once", "a 'too many messages' notice; the visit goes on", t0);
    await new Promise((r) => setTimeout(r, 1_500));
    await k.startVisit(v.photo, v.sample);

    const t1 = performance.now();
    const before = k.messages.length;
    const photoBomb = new Uint8Array(50).fill(1);
    for (let i = 0; i < 6000 && k.ws.readyState === k.ws.OPEN; i++) k.sendRaw(photoBomb);
    await expect(k.next("sample-result", { from: before, timeoutMs: 10_000 })).rejects.toThrow(/closed 1008/);
    row("WS flood: 6 000 messages at once", "connection closed (1008); visit purged; kiosk reconnects", t1);
    await expect.poll(() => guarded.logs.some((l) => /closed after a flood/.test(l))).toBe(true);
    await expect.poll(() => guarded.server.sessions.size).toBe(0);
    // a well-behaved kiosk on the same server is served normally, at the microphone's own pace
    const polite = await KioskClient.connect(guarded.server.url);
    await polite.startVisit(v.photo, v.sample);
    await polite.close();
    await guarded.close();
    await bystanderAnswers();
  });
});

describe("hard visitors", () => {
  it("a visitor who never speaks: the visit ends as walked-away and is purged", async () => {
    const quiet = await startTestServer({ timeouts: { silenceMs: 1_500 } });
    try {
      const k = await KioskClient.connect(quiet.server.url);
      await k.startVisit(v.photo, v.sample);
      const t0 = performance.now();
      await k.speak(new Int16Array(MIC_SAMPLE_RATE * 3), 1); // room silence
      const purged = await k.next("purged", { timeoutMs: 10_000 });
      expect(purged.record).toMatchObject({ reason: "walked-away", verified: true });
      row("visitor never speaks (silence timeout 45 s in production, 1.5 s here)", "farewell screen with the deletion receipt, then attract", t0);
      expect((await k.next("visit", { from: k.lastIndexOf("purged") })).phase).toBe("attract");
      await k.close();
    } finally {
      await quiet.close();
    }
  });

  it("a visitor who speaks 60 s without a pause still gets answers, and the visit goes on", async () => {
    const k = await KioskClient.connect(t.server.url);
    await k.startVisit(v.photo, v.sample);
    const from = k.messages.length;
    const t0 = performance.now();
    // 60 s of reading without a pause: the voice sample, over and over, at 10× real time
    const pcm = new Int16Array(60 * MIC_SAMPLE_RATE);
    for (let i = 0; i < pcm.length; i += v.sample.length) pcm.set(v.sample.subarray(0, Math.min(v.sample.length, pcm.length - i)), i);
    await k.speak(pcm, 10);
    await k.speak(new Int16Array(MIC_SAMPLE_RATE * 2), 1); // then the room, at the pace of a real microphone
    const start = await k.next("turn-start", { from, timeoutMs: 20_000 });
    row("visitor speaks 60 s without a pause", "the double answers; the visit goes on", t0);
    expect(start.turnId).toBeGreaterThan(0);
    await k.close();
    await bystanderAnswers();
  }, 60_000);

  it("a browser that disconnects mid-reply is purged; its reconnect gets a fresh visit; the bystander is untouched", async () => {
    const k = await KioskClient.connect(t.server.url);
    const visitId = await k.startVisit(v.photo, v.sample);
    const turn = v.turns[0];
    if (!turn) throw new Error("fixture without turns");
    const from = k.messages.length;
    await k.speak(turn.pcm, 20);
    await k.speak(new Int16Array(MIC_SAMPLE_RATE), 20);
    await k.next("turn-start", { from, where: (m) => m.turnId > 0 });
    const purges: boolean[] = [];
    const off = t.metrics.subscribe((ev) => void (ev.type === "purged" && ev.record.visitId === visitId && purges.push(ev.record.verified)));
    const t0 = performance.now();
    k.ws.terminate(); // the Wi-Fi drops: no close frame
    await expect.poll(() => purges).toEqual([true]);
    off();
    expect([...t.server.sessions].some((s) => s.visit.id === visitId)).toBe(false);
    const again = await KioskClient.connect(t.server.url);
    const fresh = await again.next("visit");
    expect(fresh.visitId).not.toBe(visitId);
    row("browser disconnects mid-reply and reconnects", "a fresh attract screen (the old visit was purged)", t0);
    await again.startVisit(v.photo, v.sample);
    await again.close();
    await bystanderAnswers();
  });
});
