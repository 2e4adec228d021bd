import { describe, expect, it } from "vitest";
import { OUTPUT_SAMPLE_RATE } from "@mirror/protocol";
import { SimulatedPlayer } from "./simulated-player.js";

function setup() {
  let now = 0;
  const reports: Array<{ event: string; sample: number; at: number }> = [];
  const player = new SimulatedPlayer({ now: () => now }, 1, (_turnId, event, _ago, sample) => reports.push({ event, sample, at: now }));
  const second = OUTPUT_SAMPLE_RATE;
  player.audio(1, 0, new Int16Array(second));
  player.end(1, second);
  // the player's own 5 ms ticks read the clock: give them a moment of real time after moving it
  const at = async (ms: number) => {
    now = ms;
    await new Promise((r) => setTimeout(r, 25));
  };
  return { player, reports, second, at, turn: () => player.turns.get(1)! };
}

describe("the demo's simulated player follows pause / resume like the kiosk's worklet", () => {
  it("holds its place while paused and goes on from there, the rest shifted by the pause", async () => {
    const { player, reports, second, at, turn } = setup();
    await at(200);
    player.pause(1);
    expect(turn().playedSamples).toBe(Math.floor(0.2 * second));
    await at(700);
    expect(turn().playedSamples).toBe(Math.floor(0.2 * second)); // stood still
    player.resume(1);
    await at(1000);
    expect(turn().playedSamples).toBe(Math.floor(0.5 * second));
    await at(1499);
    expect(reports.map((r) => r.event)).toEqual(["started"]);
    await at(1500);
    expect(reports.map((r) => r.event)).toEqual(["started", "ended"]);
    expect(turn()).toMatchObject({ pauses: 1, pausedMs: 500, endedAt: 1500, interrupted: false });
    player.stop();
  });

  it("an interrupt during the pause stops it where it held", async () => {
    const { player, reports, second, at } = setup();
    await at(300);
    player.pause(1);
    await at(900);
    player.interrupt(1);
    player.resume(1); // a late resume changes nothing
    await at(2000);
    expect(reports.map((r) => [r.event, r.sample])).toEqual([
      ["started", 0],
      ["stopped", Math.floor(0.3 * second)],
    ]);
    player.stop();
  });
});
