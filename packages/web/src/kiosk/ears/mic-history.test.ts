import { describe, expect, it } from "vitest";
import { MicHistory } from "./mic-history.js";

const frame = (start: number, n: number) => Int16Array.from({ length: n }, (_, i) => start + i);

describe("the kiosk's mic history (what the server may ask its Whisper for)", () => {
  it("returns exactly the stamped samples asked for, silence for a gap, and null for what it no longer or never held", () => {
    const h = new MicHistory(1000);
    h.push(5000, frame(1, 300));
    h.push(5400, frame(301, 300)); // 100 samples the kiosk's mic never stamped
    const s = h.slice(5290, 5410);
    expect(s && Array.from(s.subarray(0, 10), (v) => Math.round(v * 32768))).toEqual([291, 292, 293, 294, 295, 296, 297, 298, 299, 300]);
    expect(s && Array.from(s.subarray(10, 110)).every((v) => v === 0)).toBe(true);
    expect(s && Math.round((s[110] ?? 0) * 32768)).toBe(301);
    expect(h.slice(5600, 5800)).toBeNull(); // not heard yet
    h.push(5700, frame(601, 800)); // the ring (1000) now holds 5500..6500
    expect(h.slice(5400, 5600)).toBeNull();
    expect(h.slice(6400, 6500)?.length).toBe(100);
    h.wipe();
    expect(h.slice(6400, 6500)).toBeNull();
  });
});
