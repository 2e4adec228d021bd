export { LiveLinkSink, parseHostPort, type LiveLinkOptions } from "./livelink-sink.js";
export type { LiveLinkStats, LiveLinkTurnStats } from "./messages.js";
export { encodeLiveLinkPacket, LIVELINK_DEFAULT_PORT, LIVELINK_VALUE_COUNT, LIVELINK_VERSION } from "./packet.js";
