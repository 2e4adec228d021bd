import { describe, expect, it } from "vitest";
import { BargeInPolicy, EndOfTurnPolicy, isBackchannel } from "./endpointing.js";

describe("end-of-turn policy", () => {
  const p = new EndOfTurnPolicy();
  it("commits soon after a sentence that sounds finished", () => {
    expect(p.decide("I love walking in the forest with my dog")).toEqual({ silenceMs: 350, reason: "complete" });
  });
  it("waits longer after a hesitation or a dangling word", () => {
    for (const t of ["I went to the market and", "my favourite colour is uh", "because I think that the"]) expect(p.decide(t).reason).toBe("hesitation");
    expect(p.decide("and").silenceMs).toBeGreaterThan(p.decide("I love my dog").silenceMs);
  });
  it("gives a lone word and an unstable final more time", () => {
    expect(p.decide("hello").reason).toBe("single-word");
    expect(p.decide("I love my dog", "I love my dock").silenceMs).toBe(p.decide("I love my dog", "I love my dog").silenceMs + 150);
  });
  it("is configurable", () => {
    expect(new EndOfTurnPolicy({ completeMs: 200 }).decide("I love my dog").silenceMs).toBe(200);
  });
});

describe("barge-in policy", () => {
  it("holds back backchannels, not real words, and not for ever", () => {
    const b = new BargeInPolicy({ maxBackchannelMs: 700 });
    expect(new BargeInPolicy().judge("yeah", 260)).toBe("interrupt");
    expect(isBackchannel("yes")).toBe(true);
    expect(isBackchannel("uh-huh")).toBe(true);
    expect(isBackchannel("")).toBe(false);
    expect(isBackchannel("wait stop")).toBe(false);
    expect(b.judge("yeah", 300)).toBe("wait");
    expect(b.judge("wait", 260)).toBe("interrupt");
    expect(b.judge("", 260)).toBe("interrupt");
    expect(b.judge("mm", 800)).toBe("interrupt");
  });
});
