import type { ServerMessage } from "@mirror/protocol";
import { describe, expect, it } from "vitest";
import { RenderBudgetSink } from "./render-budget-sink.js";

function sinkWithLog(maxFps: number) {
  const sent: ServerMessage[] = [];
  return { sink: new RenderBudgetSink({ send: (m) => sent.push(m) }, maxFps), sent };
}
const caps = (sent: ServerMessage[]) => sent.map((m) => (m.type === "render-budget" ? m.maxFps : "other"));

describe("render budget sink", () => {
  it("caps the renderer from the start of a reply to its end", () => {
    const { sink, sent } = sinkWithLog(24);
    sink.write({ type: "turn-start", turnId: 1, sampleRate: 24000, fps: 30 });
    sink.write({ type: "text", turnId: 1, text: "hello" });
    expect(caps(sent)).toEqual([24]);
    sink.write({ type: "turn-end", turnId: 1, totalSamples: 100 });
    expect(caps(sent)).toEqual([24, null]);
  });

  it("lifts the cap on interrupt, and only when the last overlapping turn is over", () => {
    const { sink, sent } = sinkWithLog(20);
    sink.write({ type: "turn-start", turnId: 1, sampleRate: 24000, fps: 30 });
    sink.write({ type: "turn-start", turnId: 2, sampleRate: 24000, fps: 30 });
    sink.write({ type: "interrupt", turnId: 1 });
    expect(caps(sent)).toEqual([20]);
    sink.write({ type: "turn-end", turnId: 1, totalSamples: 0 }); // the interrupted turn's late end changes nothing
    sink.write({ type: "interrupt", turnId: 2 });
    expect(caps(sent)).toEqual([20, null]);
  });

  it("lifts a cap still on when the visit's sinks close", async () => {
    const { sink, sent } = sinkWithLog(24);
    sink.write({ type: "turn-start", turnId: 3, sampleRate: 24000, fps: 30 });
    await sink.close();
    expect(caps(sent)).toEqual([24, null]);
  });
});
