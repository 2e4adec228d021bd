/**
 * The 52 ARKit face blendshapes, in Unreal Engine's `EARFaceBlendShape` order
 * (the order Live Link Face packets and Audio2Face-3D use), camelCase like ARKit.
 * Every frame in Mirror is a Float32Array / number[] of this length in this order.
 */
export const ARKIT_52 = [
  "eyeBlinkLeft", "eyeLookDownLeft", "eyeLookInLeft", "eyeLookOutLeft", "eyeLookUpLeft", "eyeSquintLeft", "eyeWideLeft",
  "eyeBlinkRight", "eyeLookDownRight", "eyeLookInRight", "eyeLookOutRight", "eyeLookUpRight", "eyeSquintRight", "eyeWideRight",
  "jawForward", "jawLeft", "jawRight", "jawOpen",
  "mouthClose", "mouthFunnel", "mouthPucker", "mouthLeft", "mouthRight", "mouthSmileLeft", "mouthSmileRight",
  "mouthFrownLeft", "mouthFrownRight", "mouthDimpleLeft", "mouthDimpleRight", "mouthStretchLeft", "mouthStretchRight",
  "mouthRollLower", "mouthRollUpper", "mouthShrugLower", "mouthShrugUpper", "mouthPressLeft", "mouthPressRight",
  "mouthLowerDownLeft", "mouthLowerDownRight", "mouthUpperUpLeft", "mouthUpperUpRight",
  "browDownLeft", "browDownRight", "browInnerUp", "browOuterUpLeft", "browOuterUpRight",
  "cheekPuff", "cheekSquintLeft", "cheekSquintRight", "noseSneerLeft", "noseSneerRight", "tongueOut",
] as const;

export type BlendshapeName = (typeof ARKIT_52)[number];

export const BLENDSHAPE_INDEX: Readonly<Record<BlendshapeName, number>> = Object.fromEntries(
  ARKIT_52.map((name, i) => [name, i]),
) as Record<BlendshapeName, number>;

/** Blendshapes that carry speech (used to tell a moving mouth from a resting one). */
export const MOUTH_SHAPES: readonly BlendshapeName[] = ARKIT_52.filter(
  (n) => n.startsWith("jaw") || n.startsWith("mouth") || n === "tongueOut",
);

/** Output audio of the double: one rate for every sink, so frame sample stamps mean the same everywhere. */
export const OUTPUT_SAMPLE_RATE = 24_000;
/** Microphone audio from the kiosk: 16 kHz mono int16, 20 ms frames. */
export const MIC_SAMPLE_RATE = 16_000;
export const MIC_FRAME_SAMPLES = 320;
export const LIP_FPS = 60;

/**
 * Head and eye rotations that may ride along with a frame (radians), in the order Live Link Face sends them
 * after the 52 curves. A lip-sync's rotations are what speech adds (nods, drift, saccades); they fade to 0 at
 * rest, so a receiver adds them to its own idle motion.
 */
export const HEAD_ROTATIONS = [
  "headYaw", "headPitch", "headRoll", "leftEyeYaw", "leftEyePitch", "leftEyeRoll", "rightEyeYaw", "rightEyePitch", "rightEyeRoll",
] as const;
/** An eyeLook curve at 1 turns the eye this far (ARKit's eyes reach about ±30°). */
export const EYE_LOOK_RANGE_RAD = 0.5;
