import { describe, expect, it } from "vitest";
import { TurnQueue } from "./turn-queue.js";

const ramp = (from: number, n: number) => Float32Array.from({ length: n }, (_, i) => (from + i) / 1000);

describe("player turn queue", () => {
  it("plays a turn, reporting started at its first sample and ended after its last", () => {
    const q = new TurnQueue(1000, 1000);
    q.push(7, 0, ramp(0, 100));
    q.push(7, 100, ramp(100, 100));
    q.end(7);
    const out = new Float32Array(128);
    expect(q.render(out)).toEqual([{ type: "started", turnId: 7, sample: 0, offset: 0 }]);
    expect(out[127]).toBeCloseTo(0.127);
    expect(q.position()).toEqual({ turnId: 7, sample: 128 });
    expect(q.render(out)).toEqual([{ type: "ended", turnId: 7, sample: 200, offset: 72 }]);
    expect(out[72]).toBe(0);
    expect(q.playedSamples).toBe(200);
    expect(q.position()).toBeNull();
  });

  it("waits through an underrun instead of ending the turn", () => {
    const q = new TurnQueue(1000, 1000);
    q.push(1, 0, ramp(0, 50));
    const out = new Float32Array(128);
    expect(q.render(out).map((e) => e.type)).toEqual(["started"]);
    expect(q.render(out)).toEqual([]);
    expect(q.position()).toEqual({ turnId: 1, sample: 50 });
    q.push(1, 50, ramp(50, 10));
    q.end(1);
    expect(q.render(out).map((e) => [e.type, e.sample])).toEqual([["ended", 60]]);
  });

  it("flush drops the turn at once and ignores its late audio", () => {
    const q = new TurnQueue(1000, 1000);
    q.push(3, 0, ramp(0, 500));
    const out = new Float32Array(128);
    q.render(out);
    expect(q.flush(3)).toEqual({ type: "stopped", turnId: 3, sample: 128, offset: 0 });
    q.push(3, 500, ramp(500, 100));
    expect(q.render(out)).toEqual([]);
    expect(out.every((v) => v === 0)).toBe(true);
  });

  it("plays turns in order and fills small gaps with silence, trimming overlaps", () => {
    const q = new TurnQueue(1000, 1000);
    q.push(1, 0, ramp(0, 10));
    q.push(1, 20, ramp(20, 10)); // 10-sample hole
    q.push(1, 25, ramp(25, 10)); // 5 samples overlap
    q.end(1);
    q.push(2, 0, ramp(0, 10));
    q.end(2);
    const out = new Float32Array(64);
    const events = q.render(out).map((e) => [e.type, e.turnId, e.sample, e.offset]);
    expect(events).toEqual([
      ["started", 1, 0, 0],
      ["ended", 1, 35, 35],
      ["started", 2, 0, 35],
      ["ended", 2, 10, 45],
    ]);
    expect(out[15]).toBe(0);
    expect(out[34]).toBeCloseTo(0.034);
  });

  it("gives up on a starving turn when the next one is waiting", () => {
    const q = new TurnQueue(1000, 256);
    q.push(1, 0, ramp(0, 10));
    q.push(2, 0, ramp(0, 1000));
    const out = new Float32Array(128);
    const seen = (): (string | number)[][] => q.render(out).map((e) => [e.type, e.turnId]);
    expect([...seen(), ...seen()]).toEqual([["started", 1]]); // 246 samples starved: still waiting
    expect(seen()).toEqual([
      ["ended", 1],
      ["started", 2],
    ]);
  });

  it("reset forgets dropped turn ids so the next visit may reuse them", () => {
    const q = new TurnQueue(1000, 1000);
    q.push(1, 0, ramp(0, 10));
    expect(q.reset().map((e) => e.turnId)).toEqual([1]);
    q.push(1, 0, ramp(0, 10));
    expect(q.render(new Float32Array(16)).map((e) => e.type)).toEqual(["started"]);
  });

  it("pause outputs silence and holds the read position (the face's clock stops); resume goes on from there", () => {
    const q = new TurnQueue(1000, 1000);
    q.push(4, 0, ramp(0, 400));
    q.end(4);
    const out = new Float32Array(128);
    q.render(out);
    q.pause(4);
    expect(q.position()).toBeNull();
    out.fill(1);
    expect(q.render(out)).toEqual([]);
    expect(out.every((x) => x === 0)).toBe(true);
    expect(q.playedSamples).toBe(128);
    q.resume(4);
    expect(q.position()).toEqual({ turnId: 4, sample: 128 });
    q.render(out);
    expect(out[0]).toBeCloseTo(0.128);
    q.render(out);
    expect(q.render(out)).toEqual([{ type: "ended", turnId: 4, sample: 400, offset: 16 }]);
    expect(q.playedSamples).toBe(400);
  });

  it("a paused turn can still be flushed (the interrupt is committed)", () => {
    const q = new TurnQueue(1000, 1000);
    q.push(5, 0, ramp(0, 400));
    const out = new Float32Array(128);
    q.render(out);
    q.pause(5);
    expect(q.flush(5)).toEqual({ type: "stopped", turnId: 5, sample: 128, offset: 0 });
    q.push(6, 0, ramp(0, 10));
    expect(q.render(out).map((e) => [e.type, e.turnId])).toEqual([["started", 6]]);
  });
});
