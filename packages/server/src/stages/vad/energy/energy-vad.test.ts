import { describe, expect, it } from "vitest";
import { float32ToInt16 } from "../../../audio/pcm.js";
import { bursts, mixAt, noise, runVad, voiced, vadContract } from "../../../testing/contracts/vad.contract.js";
import { createEnergyVad } from "./index.js";

vadContract("energy", () => createEnergyVad());

const ms = (n: number) => Math.round(n * 16);
const types = (evs: { event: { type: string } }[]) => evs.map((e) => e.event.type);

describe("energy VAD specifics", () => {
  it("defaults to 120 ms before speech-start and a 550 ms hangover", () => {
    const { pcm, bounds } = bursts(3000, -60, [[1000, 500, -20]]);
    const [start, end] = bounds[0]!;
    const evs = runVad(createEnergyVad().open(), pcm);
    expect(types(evs)).toEqual(["speech-start", "speech-end"]);
    expect(evs[0]!.at - start).toBeGreaterThanOrEqual(ms(120));
    expect(evs[0]!.at - start).toBeLessThanOrEqual(ms(120) + 320);
    expect(evs[1]!.at - end).toBeGreaterThanOrEqual(ms(550));
    expect(evs[1]!.at - end).toBeLessThanOrEqual(ms(550) + 320);
    // factory options are the session defaults; open() options override them
    const evs2 = runVad(createEnergyVad({ hangoverMs: 300 }).open(), pcm);
    expect(evs2[1]!.at - end).toBeLessThanOrEqual(ms(300) + 320);
    const evs3 = runVad(createEnergyVad({ hangoverMs: 300 }).open({ hangoverMs: 800 }), pcm);
    expect(evs3[1]!.at - end).toBeGreaterThanOrEqual(ms(800));
  });

  it("echo guard is level-based too: a long burst 15 dB over the floor passes only when the double is silent", () => {
    const { pcm } = bursts(4000, -60, [[1000, 1500, -45]]);
    expect(types(runVad(createEnergyVad().open(), pcm))).toEqual(["speech-start", "speech-end"]);
    expect(runVad(createEnergyVad().open(), pcm, 320, { doubleSpeaking: true })).toEqual([]);
    // the extra margin is configurable
    expect(types(runVad(createEnergyVad({ echoExtraMarginDb: 3 }).open(), pcm, 320, { doubleSpeaking: true }))).toEqual(["speech-start", "speech-end"]);
  });

  it("echo guard asks for echoMinSpeechMs of speech while the double speaks", () => {
    const { pcm, bounds } = bursts(3000, -60, [[1000, 400, -20]]);
    const evs = runVad(createEnergyVad().open(), pcm, 320, { doubleSpeaking: true });
    expect(evs[0]!.at).toBeGreaterThanOrEqual(bounds[0]![0] + ms(250));
    expect(evs[0]!.at).toBeLessThanOrEqual(bounds[0]![0] + ms(250) + 320);
    expect(runVad(createEnergyVad({ echoMinSpeechMs: 500 }).open(), pcm, 320, { doubleSpeaking: true })).toEqual([]);
  });

  it("adapts to a louder room: the floor catches up and speech above it is still found", () => {
    // the room gets 20 dB noisier at 1 s (a fan), a voice speaks at 8 s
    let sig = noise(ms(11000), -65, 5);
    sig = mixAt(sig, noise(ms(10000), -45, 9), ms(1000));
    sig = mixAt(sig, voiced(ms(800), -20), ms(8000));
    const evs = runVad(createEnergyVad().open(), float32ToInt16(sig));
    // the step itself looks like speech until the floor has climbed, then ends
    const starts = evs.filter((e) => e.event.type === "speech-start");
    expect(starts.length).toBe(2);
    const fan = evs.slice(0, 2);
    expect(types(fan)).toEqual(["speech-start", "speech-end"]);
    expect(fan[1]!.at).toBeLessThan(ms(7000));
    expect(Math.abs(starts[1]!.event.sample - ms(8000))).toBeLessThanOrEqual(320);
  });

  it("a quieter room afterwards drops the floor within a few frames", () => {
    let sig = noise(ms(4000), -40, 2);
    sig = sig.map((v, i) => (i >= ms(2000) ? v / 100 : v)); // -80 dB after 2 s
    sig = mixAt(sig, voiced(ms(500), -55), ms(2600)); // quiet speaker, only audible once the room is quiet
    const evs = runVad(createEnergyVad().open(), float32ToInt16(sig));
    expect(types(evs)).toEqual(["speech-start", "speech-end"]);
    expect(Math.abs(evs[0]!.event.sample - ms(2600))).toBeLessThanOrEqual(320);
  });

  it("digital silence does not make faint hiss speech (floor never below minFloorDb)", () => {
    const sig = new Float32Array(ms(4000));
    sig.set(noise(ms(2000), -72, 4), ms(2000));
    expect(runVad(createEnergyVad().open(), float32ToInt16(sig))).toEqual([]);
  });

  it("reports position across odd push sizes and keeps the events for the frame they complete", () => {
    const s = createEnergyVad().open();
    expect(s.push(new Int16Array(100))).toEqual([]);
    expect(s.position).toBe(100);
    s.push(new Int16Array(0));
    expect(s.position).toBe(100);
  });
});
