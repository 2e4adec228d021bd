import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OUTPUT_SAMPLE_RATE as SR } from "@mirror/protocol";
import { FakeA2fLegacy } from "../../testing/fakes/a2f-fakes.js";
import { A2F_DEFAULT_INSTANCE, A2fLegacySink } from "./legacy-sink.js";

const fake = new FakeA2fLegacy();
beforeAll(async () => {
  await fake.start();
});
afterAll(async () => {
  await fake.close();
});

function tone(n: number, offset: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.sin((i + offset) / 7) * 0.5);
}

describe("legacy Audio2Face sink (PushAudioStream)", () => {
  it("streams the whole reply in order as float32 at the output rate, after a start marker", async () => {
    const sink = new A2fLegacySink({ address: fake.address, instanceName: "/World/audio2face/PlayerStreaming" });
    const before = fake.calls.length;
    sink.write({ type: "turn-start", turnId: 1, sampleRate: SR, fps: 60 });
    const chunks = [tone(480, 0), tone(2400, 480), tone(1000, 2880)];
    let at = 0;
    for (const pcm of chunks) {
      sink.write({ type: "audio", turnId: 1, pcm, sample: at });
      at += pcm.length;
    }
    sink.write({ type: "turn-end", turnId: 1, totalSamples: at });
    await fake.until(() => fake.calls[before]?.response !== null && fake.calls[before] !== undefined);
    const call = fake.calls[before]!;
    expect(call.instanceName).toBe(A2F_DEFAULT_INSTANCE);
    expect(call.samplerate).toBe(SR);
    expect(call.response).toEqual({ success: true, message: "" });
    const got = new Float32Array(call.audio.reduce((n, a) => n + a.length, 0));
    let off = 0;
    for (const a of call.audio) {
      got.set(a, off);
      off += a.length;
    }
    expect(Array.from(got)).toEqual(Array.from(tone(at, 0)));
    expect(sink.stats()).toMatchObject({ turns: 1, chunksSent: 3, samplesSent: at, cancelled: 0, failures: [] });
    await sink.close();
  });

  it("an interrupt mid-reply ends the gRPC call within 50 ms", async () => {
    const sink = new A2fLegacySink({ address: fake.address });
    const before = fake.calls.length;
    sink.write({ type: "turn-start", turnId: 2, sampleRate: SR, fps: 60 });
    sink.write({ type: "audio", turnId: 2, pcm: tone(2400, 0), sample: 0 });
    await fake.until(() => (fake.calls[before]?.audio.length ?? 0) > 0);
    const t0 = performance.now();
    sink.write({ type: "interrupt", turnId: 2 });
    sink.write({ type: "audio", turnId: 2, pcm: tone(2400, 0), sample: 2400 });
    await fake.until(() => fake.calls[before]!.cancelled, 1000);
    const call = fake.calls[before]!;
    expect(call.cancelled).toBe(true);
    // over for Mirror (CANCELLED status) at once; seen by the server across loopback on this shared thread
    await new Promise((r) => setTimeout(r, 10));
    const [abortMs] = sink.stats().abortToEndMs;
    expect(abortMs).toBeLessThan(50);
    expect(call.endedAt! - t0).toBeLessThan(150);
    expect(call.audio).toHaveLength(1);
    expect(sink.stats().cancelled).toBe(1);
    await sink.close();
  });

  it("reports A2F's success=false answers (they are not gRPC errors)", async () => {
    const sink = new A2fLegacySink({ address: fake.address });
    const before = fake.calls.length;
    sink.write({ type: "turn-start", turnId: 3, sampleRate: 0, fps: 60 });
    sink.write({ type: "turn-end", turnId: 3, totalSamples: 0 });
    await fake.until(() => fake.calls[before]?.response !== null && fake.calls[before] !== undefined);
    for (let i = 0; i < 100 && sink.stats().failures.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(sink.stats().failures[0]).toMatch(/samplerate/);
    await sink.close();
  });
});
