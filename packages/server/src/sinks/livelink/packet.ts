/**
 * The Live Link Face (iPhone app) UDP datagram, as Unreal's AppleARKitFaceSupport plugin reads it
 * (FAppleARKitLiveLinkRemoteListener::Tick, network byte order via FNboSerializeFromBuffer):
 * uint8 version (6) · int32 length + UTF-8 device id · int32 length + UTF-8 subject name ·
 * FQualifiedFrameTime (int32 frame number, float32 sub-frame, int32 fps numerator, int32 fps denominator) ·
 * uint8 count (61) · 61 float32 in EARFaceBlendShape order (ARKit 52, then head yaw/pitch/roll and both eyes' yaw/pitch/roll).
 * Everything big-endian, floats included.
 */
export const LIVELINK_VERSION = 6;
export const LIVELINK_VALUE_COUNT = 61;
export const LIVELINK_DEFAULT_PORT = 11111;
/** Unreal's receive buffer is ~1.3 KB and each name may take 256 TCHARs; stay far below. */
export const LIVELINK_MAX_NAME_BYTES = 64;

export interface LiveLinkPacket {
  deviceId: string;
  subject: string;
  frame: number;
  /** [0, 1) */
  subFrame: number;
  fpsNumerator: number;
  fpsDenominator: number;
  /** 61 values: 52 ARKit curves in ARKIT_52 (Unreal) order, then head yaw, pitch, roll, left eye y/p/r, right eye y/p/r */
  values: Float32Array;
}

export function encodeLiveLinkPacket(p: LiveLinkPacket): Buffer {
  if (p.values.length !== LIVELINK_VALUE_COUNT) throw new RangeError(`Live Link needs ${LIVELINK_VALUE_COUNT} values, got ${p.values.length}`);
  const device = Buffer.from(p.deviceId, "utf8");
  const subject = Buffer.from(p.subject, "utf8");
  if (device.length > LIVELINK_MAX_NAME_BYTES || subject.length > LIVELINK_MAX_NAME_BYTES) throw new RangeError("Live Link device id / subject name too long");
  const buf = Buffer.alloc(1 + 4 + device.length + 4 + subject.length + 16 + 1 + 4 * LIVELINK_VALUE_COUNT);
  let o = buf.writeUInt8(LIVELINK_VERSION, 0);
  o = buf.writeInt32BE(device.length, o);
  o += device.copy(buf, o);
  o = buf.writeInt32BE(subject.length, o);
  o += subject.copy(buf, o);
  o = buf.writeInt32BE(p.frame | 0, o);
  o = buf.writeFloatBE(p.subFrame, o);
  o = buf.writeInt32BE(p.fpsNumerator, o);
  o = buf.writeInt32BE(p.fpsDenominator, o);
  o = buf.writeUInt8(LIVELINK_VALUE_COUNT, o);
  for (const v of p.values) o = buf.writeFloatBE(Number.isFinite(v) ? v : 0, o);
  return buf;
}
