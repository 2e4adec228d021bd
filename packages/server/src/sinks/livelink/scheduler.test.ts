import { describe, expect, it } from "vitest";
import { ARKIT_52, BLENDSHAPE_INDEX } from "@mirror/protocol";
import { LiveLinkScheduler } from "./scheduler.js";

const SR = 24_000;
const FPS = 50;
const JAW = BLENDSHAPE_INDEX.jawOpen;

/** A turn whose jawOpen rises 0.1 per 100 ms of audio: the pose says exactly where on the turn's clock the face is. */
function scheduler() {
  const s = new LiveLinkScheduler({ sampleRate: SR, fps: FPS, audioOffsetMs: 0, rate: 1 });
  s.turnStart(1);
  const frames = Array.from({ length: 50 }, (_, i) => {
    const weights = new Float32Array(ARKIT_52.length);
    weights[JAW] = i * 0.02; // 20 ms frames: 0.1 per 100 ms
    return { sample: (i * SR) / FPS, weights };
  });
  s.frames(1, frames);
  s.turnEnd(1, SR);
  s.playbackStarted(1, 1000);
  const jawAt = (at: number) => {
    const p = s.poseAt(at, Math.round(at / 20));
    return p.turnId === null ? null : Math.round(p.weights[JAW]! * 100) / 100;
  };
  return { s, jawAt };
}

describe("the Live Link face follows a barge-in pause and its resume", () => {
  it("stands still (neutral) while paused, then goes on from where it held, shifted by the pause", () => {
    const { s, jawAt } = scheduler();
    expect(jawAt(1300)).toBe(0.3);
    s.pause(1, 1300);
    expect(jawAt(1500)).toBeNull(); // neutral, like the kiosk's face with no position
    expect(jawAt(2000)).toBeNull();
    s.resume(1, 2000);
    expect(jawAt(2000)).toBe(0.3);
    expect(jawAt(2200)).toBe(0.5);
    // the turn ends 1 s of audio after its start plus the 700 ms pause, not before
    expect(jawAt(2650)).toBe(0.95);
    expect(jawAt(2800)).toBeNull();
  });

  it("an interrupt during the pause ends the turn's face for good", () => {
    const { s, jawAt } = scheduler();
    s.pause(1, 1300);
    s.interrupt(1);
    s.resume(1, 1500);
    expect(jawAt(1600)).toBeNull();
  });
});
