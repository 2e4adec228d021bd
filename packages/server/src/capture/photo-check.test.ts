import { FACE_LANDMARKS, type FaceDetection, type FaceLayout } from "@mirror/protocol";
import { describe, expect, it } from "vitest";
import { InputError } from "../core/errors.js";
import { checkFaceLayout } from "./photo-check.js";

/** A plausible detected face: landmarks on a small grid inside the photo, mouth landmarks where the layout says. */
function detected(over: Partial<FaceDetection> = {}): FaceLayout {
  const landmarks: number[] = [];
  for (let i = 0; i < FACE_LANDMARKS; i++) landmarks.push(0.3 + ((i % 20) / 20) * 0.4, 0.3 + (Math.floor(i / 20) / 24) * 0.5, 0.01);
  const set = (i: number, x: number, y: number) => {
    landmarks[i * 3] = x;
    landmarks[i * 3 + 1] = y;
  };
  set(61, 0.42, 0.7);
  set(291, 0.58, 0.7);
  set(13, 0.5, 0.69);
  set(14, 0.5, 0.71);
  return {
    mouth: { x: 0.5, y: 0.7 },
    mouthWidth: 0.16,
    eyes: { y: 0.45, left: 0.38, right: 0.62 },
    detection: { detector: "test", faces: 1, score: 0.95, box: [0.25, 0.25, 0.5, 0.55], yaw: 0.05, pitch: -0.02, roll: 0.01, luma: 120, landmarks, ...over },
  };
}

function problem(face: FaceLayout): { code: string; message: string } | null {
  try {
    checkFaceLayout(face);
    return null;
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return { code: e.code, message: e.message };
  }
}

describe("checkFaceLayout: the server's second look at the kiosk's face detection", () => {
  it("accepts one frontal, big enough, lit face whose layout is its landmarks' own", () => {
    expect(problem(detected())).toBeNull();
    expect(problem(detected({ yaw: 0.35 }))).toBeNull(); // ~20° turned is still a usable double
  });

  it("asks for a re-take, in words a visitor understands, for each way a photo fails", () => {
    const cases: [Partial<FaceDetection>, string, RegExp][] = [
      [{ faces: 0 }, "no-face", /could not find a face/],
      [{ faces: 2 }, "several-faces", /more than one face/],
      [{ score: 0.3 }, "no-face", /could not find a face/],
      [{ yaw: 0.7 }, "face-turned", /look straight/],
      [{ pitch: -0.6 }, "face-turned", /look straight/],
      [{ roll: 0.5 }, "face-turned", /look straight/],
      [{ box: [0.45, 0.45, 0.1, 0.12] }, "face-too-small", /closer/],
      [{ luma: 20 }, "photo-too-dark", /too dark/],
    ];
    for (const [over, code, message] of cases) {
      const p = problem(detected(over));
      expect(p?.code, JSON.stringify(over)).toBe(code);
      expect(p?.message).toMatch(message);
      expect(p?.message).toMatch(/again/);
    }
  });

  it("rejects landmarks that are not a face in this photo", () => {
    const outside = detected();
    outside.detection?.landmarks?.splice(30, 1, 1.6);
    expect(problem(outside)?.code).toBe("face-unreadable");
    const nan = detected();
    nan.detection?.landmarks?.splice(31, 1, NaN);
    expect(problem(nan)?.code).toBe("face-unreadable");
    const short = detected({ landmarks: [0.5, 0.5, 0] });
    expect(problem(short)?.code).toBe("face-unreadable");
  });

  it("rejects a layout whose mouth is not where the landmarks put it", () => {
    const moved = detected();
    moved.mouth = { x: 0.5, y: 0.8 };
    expect(problem(moved)?.code).toBe("face-unreadable");
  });

  it("checks a layout without a detection (the guide's) only for plausibility", () => {
    const bare: FaceLayout = { mouth: { x: 0.5, y: 0.7 }, mouthWidth: 0.16, eyes: { y: 0.45, left: 0.38, right: 0.62 } };
    expect(problem(bare)).toBeNull();
    expect(problem({ ...bare, eyes: { y: 0.8, left: 0.38, right: 0.62 } })?.code).toBe("face-unreadable");
    expect(problem({ ...bare, mouth: { x: 0.9, y: 0.7 } })?.code).toBe("face-unreadable");
  });
});
