/**
 * Audio2Face-3D faults through a TCP fault proxy in front of the fake A2F-3D service: refused, reset, hung, and the
 * server going away mid-reply. Each time the face keeps moving (the built-in lip-sync takes the turn over from the
 * first sample A2F did not cover), the error is typed, health says so, and A2F is used again once it is back.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LIP_FPS, OUTPUT_SAMPLE_RATE as SR } from "@mirror/protocol";
import type { LipFrame, Lipsync } from "../../../core/contracts/lipsync.js";
import { ProviderError } from "../../../core/errors.js";
import { createLipsyncFallback } from "../../../core/lipsync-fallback.js";
import { pushTurn, speechLikeAudio } from "../../../testing/contracts/lipsync.contract.js";
import { FakeA2f3d } from "../../../testing/fakes/a2f-fakes.js";
import { startTcpFaultProxy, type TcpFault, type TcpFaultProxy } from "../../../testing/faults/index.js";
import { createBuiltinLipsync } from "../builtin/builtin-lipsync.js";
import { createA2f3dLipsync } from "./index.js";

const fake = new FakeA2f3d();
let proxy: TcpFaultProxy;
const UNHEALTHY_MS = 30_000;
/** the wrapper's clock: real time plus jumps, so a test skips the 30 s a failed A2F is left alone */
let skipped = 0;
const clock = { now: () => performance.now() + skipped };
const FIRST_FRAME_MS = 1200;

beforeAll(async () => {
  await fake.start();
  const [host, port] = fake.address.split(":");
  proxy = await startTcpFaultProxy({ host: host ?? "127.0.0.1", port: Number(port) });
});
afterAll(async () => {
  await proxy.close();
  await fake.close();
});

function wrapped(): { lipsync: Lipsync; errors: ProviderError[] } {
  const errors: ProviderError[] = [];
  const lipsync = createLipsyncFallback({
    primary: createA2f3dLipsync({ address: `127.0.0.1:${proxy.port}` }),
    fallback: createBuiltinLipsync({ blinks: false }),
    firstFrameTimeoutMs: FIRST_FRAME_MS,
    unhealthyForMs: UNHEALTHY_MS,
    clock,
    onFallback: (e) => errors.push(e),
  });
  return { lipsync, errors };
}

interface TurnResult {
  frames: LipFrame[];
  firstFrameMs: number;
  a2fFrames: number;
  audioEnd: number;
}

/** One turn; `midway` runs after the first half of the audio has produced a frame. */
async function turn(lipsync: Lipsync, midway?: () => Promise<void>): Promise<TurnResult> {
  const { pcm } = speechLikeAudio(0.2, 1.2);
  const framesBefore = fake.calls.reduce((n, c) => n + c.framesSent, 0);
  const s = lipsync.open({ turnId: 1, sampleRate: SR, fps: LIP_FPS, language: "en", signal: new AbortController().signal });
  const frames: LipFrame[] = [];
  const t0 = performance.now();
  let firstFrameMs = -1;
  let gotOne: () => void = () => undefined;
  const first = new Promise<void>((r) => (gotOne = r));
  const done = (async () => {
    for await (const f of s.frames) {
      if (firstFrameMs < 0) firstFrameMs = performance.now() - t0;
      frames.push(f);
      gotOne();
    }
  })();
  const half = Math.floor(pcm.length / 2 / 480) * 480;
  pushTurn(s, pcm.subarray(0, half));
  if (midway) {
    await first;
    await midway();
  }
  for (let i = half; i < pcm.length; i += 480) s.push({ type: "audio", pcm: pcm.subarray(i, i + 480), sample: i });
  s.push({ type: "end" });
  await Promise.race([done, new Promise((_, reject) => setTimeout(() => reject(new Error("frames did not end")), 15_000))]);
  const a2fFrames = fake.calls.reduce((n, c) => n + c.framesSent, 0) - framesBefore;
  return { frames, firstFrameMs, a2fFrames, audioEnd: pcm.length };
}

/** Frames on the 60 fps grid, in order, none twice, up to the end of the audio. */
function expectWholeTurn(r: TurnResult): void {
  const grid = r.frames.map((f) => Math.round((f.sample * LIP_FPS) / SR));
  expect(grid.every((g, i) => i === 0 || g > (grid[i - 1] ?? -1))).toBe(true);
  expect(r.frames.at(-1)?.sample ?? 0).toBeGreaterThanOrEqual(r.audioEnd - (2 * SR) / LIP_FPS);
  expect(r.frames.length).toBeGreaterThanOrEqual(Math.floor((r.audioEnd / SR) * LIP_FPS) - 2);
}

const recoveries: string[] = [];
afterAll(() => console.log(`a2f3d faults (first frame of the faulted turn / A2F animating again after the fault cleared, besides the 30 s it is left alone):\n${recoveries.join("\n")}`));

describe("Audio2Face-3D faults: the built-in lip-sync keeps the face moving", () => {
  const faults: [string, TcpFault][] = [
    ["connection refused", { kind: "refused" }],
    ["connection reset", { kind: "reset" }],
    ["accepted, never answered", { kind: "hang" }],
  ];
  for (const [name, fault] of faults) {
    it(`${name}: the turn is lip-synced by the built-in, typed error, health down, then A2F again`, async () => {
      const { lipsync, errors } = wrapped();
      await proxy.set(fault);
      try {
        const r = await turn(lipsync);
        expectWholeTurn(r);
        expect(r.a2fFrames).toBe(0);
        expect(errors[0]).toBeInstanceOf(ProviderError);
        expect(errors[0]?.retryable).toBe(true);
        expect((await lipsync.health?.())?.ok).toBe(false);
        // the next turn does not wait for A2F again
        const next = await turn(lipsync);
        expectWholeTurn(next);
        expect(errors).toHaveLength(1);
        await proxy.set({ kind: "none" });
        const back = await recover(lipsync);
        recoveries.push(`${name}: ${Math.round(r.firstFrameMs)} ms / ${back} ms`);
      } finally {
        await proxy.set({ kind: "none" });
        await lipsync.close?.();
      }
    }, 30_000);
  }

  it("A2F goes away mid-reply: the built-in carries on from the first sample A2F did not cover", async () => {
    const { lipsync, errors } = wrapped();
    try {
      const warm = await turn(lipsync);
      expect(warm.a2fFrames).toBeGreaterThan(0);
      expect(errors).toEqual([]);
      const r = await turn(lipsync, () => proxy.set({ kind: "refused" }));
      expectWholeTurn(r);
      expect(r.a2fFrames).toBeGreaterThan(0);
      expect(errors).toHaveLength(1);
      expect(errors[0]?.message).toMatch(/Audio2Face-3D/);
      await proxy.set({ kind: "none" });
      const back = await recover(lipsync);
      recoveries.push(`dies mid-reply: frames continuous / ${back} ms`);
    } finally {
      await proxy.set({ kind: "none" });
      await lipsync.close?.();
    }
  }, 30_000);
});

/** Turns until A2F animates one again; returns the real time since the fault was cleared (the 30 s skipped). */
async function recover(lipsync: Lipsync): Promise<number> {
  const t0 = performance.now();
  skipped += UNHEALTHY_MS;
  for (;;) {
    await new Promise((r) => setTimeout(r, 100));
    skipped += UNHEALTHY_MS;
    const r = await turn(lipsync);
    expectWholeTurn(r);
    if (r.a2fFrames > 0 && (await lipsync.health?.())?.ok) return Math.round(performance.now() - t0);
    if (performance.now() - t0 > 15_000) throw new Error("A2F never came back");
  }
}
