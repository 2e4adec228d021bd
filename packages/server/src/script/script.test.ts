import { describe, expect, it } from "vitest";
import { EXPERIENCE, HARD_CAP_MS, PHASE_IDS } from "./experience.js";
import type { PhaseId } from "./experience.js";
import { extractFacts, nameFromFacts } from "./facts.js";
import { phaseAt, phaseWindows } from "./phases.js";
import { systemPrompt } from "./prompt.js";

describe("the experience", () => {
  it("fits the phases in the 5-minute hard cap, in order", () => {
    expect(HARD_CAP_MS).toBe(300_000);
    const total = EXPERIENCE.phases.reduce((sum, p) => sum + p.budgetMs, 0);
    expect(total).toBeLessThanOrEqual(EXPERIENCE.hardCapMs);
    expect(EXPERIENCE.phases.map((p) => p.id)).toEqual([...PHASE_IDS]);
    for (const phase of EXPERIENCE.phases) expect(phase.budgetMs).toBeGreaterThan(0);
    expect(phaseWindows().at(-1)?.endMs).toBe(total);
  });

  it("has every text in English and Dutch", () => {
    for (const language of ["en", "nl"] as const) {
      expect(EXPERIENCE.persona[language]).not.toBe("");
      expect(EXPERIENCE.style[language]).not.toBe("");
      for (const phase of EXPERIENCE.phases) expect(phase.goal[language]).not.toBe("");
      const lines = EXPERIENCE.lines[language];
      expect(lines.phases.greeting.openers.length).toBeGreaterThan(0);
      expect(lines.phases["getting-to-know"].questions.length).toBeGreaterThanOrEqual(10);
      expect(lines.phases.mirroring.questions.length).toBeGreaterThanOrEqual(10);
      expect(lines.phases.farewell.closings.length).toBeGreaterThan(0);
      expect(lines.acknowledgements.length).toBeGreaterThanOrEqual(15);
    }
    // both languages offer the same choices
    const shape = (language: "en" | "nl"): number[] =>
      PHASE_IDS.flatMap((id) => {
        const p = EXPERIENCE.lines[language].phases[id];
        return [p.openers.length, p.remarks.length, p.questions.length, p.closings.length];
      });
    expect(shape("nl")).toEqual(shape("en"));
  });
});

describe("phaseAt", () => {
  it("greets on turn 0 and never after", () => {
    expect(phaseAt(0, 0)).toBe("greeting");
    expect(phaseAt(15_000, 0)).toBe("greeting");
    expect(phaseAt(5_000, 1)).toBe("getting-to-know");
  });

  it("follows the clock through the phases when the visitor takes turns", () => {
    expect(phaseAt(60_000, 2)).toBe("getting-to-know");
    expect(phaseAt(110_000, 5)).toBe("mirroring");
    expect(phaseAt(210_000, 8)).toBe("reveal");
    expect(phaseAt(275_000, 10)).toBe("farewell");
  });

  it("holds a phase back for a visitor who speaks in long turns, but never the farewell", () => {
    expect(phaseAt(130_000, 1)).toBe("getting-to-know");
    expect(phaseAt(210_000, 3)).toBe("mirroring");
    expect(phaseAt(271_000, 1)).toBe("farewell");
    expect(phaseAt(400_000, 2)).toBe("farewell");
  });

  it("never goes back to an earlier phase as the visit moves on", () => {
    const order = (id: PhaseId): number => PHASE_IDS.indexOf(id);
    for (const stepMs of [5_000, 12_000, 25_000, 60_000]) {
      let last = 0;
      for (let turn = 0, t = 0; t <= HARD_CAP_MS; turn++, t += stepMs) {
        const now = order(phaseAt(t, turn));
        expect(now).toBeGreaterThanOrEqual(last);
        last = now;
      }
      expect(last).toBe(order("farewell"));
    }
  });
});

describe("systemPrompt", () => {
  it("tells a real LLM who it is, how to speak, the phase goal and the facts", () => {
    const prompt = systemPrompt("mirroring", "en", ["my name is Anna", "I love sailing"]);
    expect(prompt).toContain(EXPERIENCE.persona.en);
    expect(prompt).toContain("first one at most six words");
    expect(prompt).toContain(EXPERIENCE.phases.find((p) => p.id === "mirroring")?.goal.en);
    expect(prompt).toContain("- I love sailing");
  });

  it("is written in the visit's language", () => {
    const prompt = systemPrompt("farewell", "nl", []);
    expect(prompt).toContain("Antwoord alleen in het Nederlands");
    expect(prompt).toContain("De bezoeker heeft nog niets over zichzelf verteld.");
    expect(prompt).not.toContain("Answer in English");
  });
});

describe("extractFacts", () => {
  it.each([
    ["My name is anna and I'm a designer.", ["my name is Anna", "I am a designer"]],
    ["i'm a teacher i like cats and dogs", ["I am a teacher", "I like cats"]],
    ["I really love sailing on the lake with my father every summer", ["I really love sailing on the lake"]],
    ["I work at the hospital, nights mostly", ["I work at the hospital"]],
    ["Well, I live in Eindhoven. I have two kids.", ["I live in Eindhoven", "I have two kids"]],
    ["People call me Sam. I'm called Sam", ["my name is Sam"]],
  ])("en: %s", (text, facts) => {
    expect(extractFacts(text, "en")).toEqual(facts);
  });

  it.each([
    ["Mijn naam is anna en ik ben ontwerper", ["mijn naam is Anna", "ik ben ontwerper"]],
    ["ik heet Joost, ik hou van zeilen op het meer", ["mijn naam is Joost", "ik hou van zeilen op het meer"]],
    ["ik vind koken heel leuk", ["ik vind koken heel leuk"]],
    ["ik werk in het ziekenhuis maar ik woon in Tilburg", ["ik werk in het ziekenhuis", "ik woon in Tilburg"]],
    ["Ik heb twee katten. Ik kom uit Gent.", ["ik heb twee katten", "ik kom uit Gent"]],
  ])("nl: %s", (text, facts) => {
    expect(extractFacts(text, "nl")).toEqual(facts);
  });

  it("ignores small talk that is not about who the visitor is", () => {
    expect(extractFacts("I'm not sure. I'm fine, I like it. I think so.", "en")).toEqual([]);
    expect(extractFacts("ik ben er nog. ik weet het niet. ik vind het raar.", "nl")).toEqual([]);
  });

  it("finds the visitor's name among the facts", () => {
    expect(nameFromFacts(["I am a designer", "my name is Anna"])).toBe("Anna");
    expect(nameFromFacts(["mijn naam is Joost"])).toBe("Joost");
    expect(nameFromFacts(["I am a designer"])).toBeUndefined();
  });
});
