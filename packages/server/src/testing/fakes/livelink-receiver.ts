/**
 * A Live Link Face receiver standing in for Unreal: binds a UDP port on 127.0.0.1 and decodes every datagram
 * from the layout in shared/protocols.md — written from that page, not from Mirror's encoder — and validates
 * each field the way Unreal's listener would (or stricter). Packets Unreal would drop are counted as rejected.
 */
import { createSocket, type Socket } from "node:dgram";

/** Unreal's EARFaceBlendShape order, copied from protocols.md (PascalCase as Unreal names them). */
export const LIVE_LINK_CURVES = [
  "EyeBlinkLeft", "EyeLookDownLeft", "EyeLookInLeft", "EyeLookOutLeft", "EyeLookUpLeft", "EyeSquintLeft", "EyeWideLeft",
  "EyeBlinkRight", "EyeLookDownRight", "EyeLookInRight", "EyeLookOutRight", "EyeLookUpRight", "EyeSquintRight", "EyeWideRight",
  "JawForward", "JawLeft", "JawRight", "JawOpen",
  "MouthClose", "MouthFunnel", "MouthPucker", "MouthLeft", "MouthRight", "MouthSmileLeft", "MouthSmileRight",
  "MouthFrownLeft", "MouthFrownRight", "MouthDimpleLeft", "MouthDimpleRight", "MouthStretchLeft", "MouthStretchRight",
  "MouthRollLower", "MouthRollUpper", "MouthShrugLower", "MouthShrugUpper", "MouthPressLeft", "MouthPressRight",
  "MouthLowerDownLeft", "MouthLowerDownRight", "MouthUpperUpLeft", "MouthUpperUpRight",
  "BrowDownLeft", "BrowDownRight", "BrowInnerUp", "BrowOuterUpLeft", "BrowOuterUpRight",
  "CheekPuff", "CheekSquintLeft", "CheekSquintRight", "NoseSneerLeft", "NoseSneerRight", "TongueOut",
  "HeadYaw", "HeadPitch", "HeadRoll", "LeftEyeYaw", "LeftEyePitch", "LeftEyeRoll", "RightEyeYaw", "RightEyePitch", "RightEyeRoll",
] as const;
export type LiveLinkCurve = (typeof LIVE_LINK_CURVES)[number];

export interface DecodedLiveLinkFrame {
  /** when the datagram arrived (performance.timeOrigin + performance.now(), ms) */
  receivedAt: number;
  bytes: number;
  version: number;
  deviceId: string;
  subject: string;
  frameNumber: number;
  subFrame: number;
  fpsNumerator: number;
  fpsDenominator: number;
  count: number;
  curves: Record<LiveLinkCurve, number>;
}

const MAX_DATAGRAM = 1286;

/** Decodes one datagram; throws with the reason Unreal would drop it (or a stricter one). */
export function decodeLiveLinkDatagram(buf: Uint8Array, receivedAt = 0): DecodedLiveLinkFrame {
  if (buf.byteLength > MAX_DATAGRAM) throw new Error(`datagram of ${buf.byteLength} bytes exceeds Unreal's receive buffer`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let at = 0;
  const need = (n: number, what: string) => {
    if (at + n > buf.byteLength) throw new Error(`truncated in ${what} at byte ${at}`);
  };
  const utf8 = new TextDecoder("utf-8", { fatal: true });
  const str = (what: string) => {
    need(4, `${what} length`);
    const len = view.getInt32(at, false);
    at += 4;
    if (len < 0 || len > 256) throw new Error(`${what} length ${len} out of range`);
    need(len, what);
    const s = utf8.decode(buf.subarray(at, at + len));
    at += len;
    return s;
  };
  need(1, "version");
  const version = view.getUint8(at);
  at += 1;
  if (version !== 6) throw new Error(`version ${version}, Unreal accepts only 6`);
  const deviceId = str("device id");
  const subject = str("subject name");
  if (!subject) throw new Error("empty subject name");
  need(16, "frame time");
  const frameNumber = view.getInt32(at, false);
  const subFrame = view.getFloat32(at + 4, false);
  const fpsNumerator = view.getInt32(at + 8, false);
  const fpsDenominator = view.getInt32(at + 12, false);
  at += 16;
  if (!(subFrame >= 0 && subFrame < 1)) throw new Error(`sub-frame ${subFrame} outside [0, 1)`);
  if (fpsNumerator <= 0 || fpsDenominator <= 0) throw new Error(`frame rate ${fpsNumerator}/${fpsDenominator} invalid`);
  need(1, "count");
  const count = view.getUint8(at);
  at += 1;
  if (count !== 61) throw new Error(`count ${count}, Unreal accepts only 61`);
  need(count * 4, "values");
  const curves = {} as Record<LiveLinkCurve, number>;
  LIVE_LINK_CURVES.forEach((name, i) => {
    const v = view.getFloat32(at + i * 4, false);
    if (!Number.isFinite(v)) throw new Error(`${name} is not finite`);
    if (i < 52 && (v < 0 || v > 1)) throw new Error(`${name} = ${v} outside [0, 1]`);
    if (i >= 52 && Math.abs(v) > Math.PI) throw new Error(`${name} = ${v} is not an angle in radians`);
    curves[name] = v;
  });
  at += count * 4;
  if (at !== buf.byteLength) throw new Error(`${buf.byteLength - at} trailing bytes`);
  return { receivedAt, bytes: buf.byteLength, version, deviceId, subject, frameNumber, subFrame, fpsNumerator, fpsDenominator, count, curves };
}

export class FakeLiveLinkReceiver {
  readonly frames: DecodedLiveLinkFrame[] = [];
  readonly rejected: string[] = [];
  private socket: Socket | null = null;
  port = 0;

  async start(port = 0): Promise<this> {
    const s = createSocket("udp4");
    this.socket = s;
    s.on("message", (msg) => {
      const at = performance.timeOrigin + performance.now();
      try {
        this.frames.push(decodeLiveLinkDatagram(msg, at));
      } catch (err) {
        this.rejected.push((err as Error).message);
      }
    });
    await new Promise<void>((resolve, reject) => {
      s.once("error", reject);
      s.bind(port, "127.0.0.1", () => resolve());
    });
    this.port = s.address().port;
    return this;
  }

  /** Frame numbers that do not follow their predecessor by exactly one. */
  gaps(): Array<{ after: number; got: number }> {
    return frameNumberGaps(this.frames);
  }

  /** |arrival interval − 1/fps| per packet, sorted (ms). */
  arrivalJitter(fps = 60): number[] {
    return arrivalJitter(this.frames, fps);
  }

  async close(): Promise<void> {
    const s = this.socket;
    this.socket = null;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}

export function frameNumberGaps(frames: readonly DecodedLiveLinkFrame[]): Array<{ after: number; got: number }> {
  const out: Array<{ after: number; got: number }> = [];
  for (let i = 1; i < frames.length; i++) {
    const a = frames[i - 1]!.frameNumber;
    const b = frames[i]!.frameNumber;
    if (b !== ((a + 1) | 0)) out.push({ after: a, got: b });
  }
  return out;
}

export function arrivalJitter(frames: readonly DecodedLiveLinkFrame[], fps = 60): number[] {
  const out: number[] = [];
  for (let i = 1; i < frames.length; i++) out.push(Math.abs(frames[i]!.receivedAt - frames[i - 1]!.receivedAt - 1000 / fps));
  return out.sort((a, b) => a - b);
}

export function percentile(sorted: readonly number[], p: number): number {
  return sorted.length ? (sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0) : 0;
}
