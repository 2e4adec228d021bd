import { describe, expect, it } from "vitest";
import { DEFAULT_BACKCHANNEL_WORDS } from "./barge-in-hold.js";
import { backchannelRule, heardAsBackchannel } from "./backchannel-rule.js";

const en = backchannelRule("en", { words: DEFAULT_BACKCHANNEL_WORDS });
const nl = backchannelRule("nl", { words: DEFAULT_BACKCHANNEL_WORDS });

describe("a short stretch over the double, as the STT heard it: backchannel or interruption", () => {
  it("resumes for what PocketSphinx made of held-out backchannels and hums (bench/backchannel-bench.ts)", () => {
    for (const heard of ["yes", "okay", "right", "uh huh", "", "yep", "yet", "good", "black", "the", "on her", "and i am", "i am"]) {
      expect(heardAsBackchannel(heard, en), JSON.stringify(heard)).toBe(true);
    }
  });

  it("commits for what it made of short interruptions, and for anything with content", () => {
    for (const heard of ["no", "wait", "where", "wear it", "no way", "stop", "what", "the lid", "and when", "why", "that is not it"]) {
      expect(heardAsBackchannel(heard, en), JSON.stringify(heard)).toBe(false);
    }
  });

  it("uses the visit's language", () => {
    expect(heardAsBackchannel("ja", nl)).toBe(true);
    expect(heardAsBackchannel("nee", nl)).toBe(false);
    expect(heardAsBackchannel("wacht even", nl)).toBe(false);
    expect(heardAsBackchannel("no", nl)).toBe(true); // not a Dutch interruption word
  });

  it("takes configured lists over the defaults", () => {
    const strict = backchannelRule("en", { words: { en: ["yes"] }, interruptions: { en: ["good"] }, fillers: { en: [] } });
    expect(heardAsBackchannel("good", strict)).toBe(false);
    expect(heardAsBackchannel("on her", strict)).toBe(false);
    expect(heardAsBackchannel("yes", strict)).toBe(true);
  });
});
