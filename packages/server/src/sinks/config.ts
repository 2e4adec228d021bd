/** The `sinks` section of Mirror's config, and the CLI flags that fill it. Every sink is off unless configured. */
import { z } from "zod";

export const SinksConfig = z.object({
  livelink: z
    .object({
      host: z.string().min(1),
      port: z.number().int().min(1).max(65535).default(11111),
      subject: z.string().min(1).max(64).default("Mirror"),
      deviceId: z.string().min(1).max(64).default("mirror"),
      /** ms from Mirror's playback start to Unreal's viewer hearing the audio (positive delays the face) */
      audioOffsetMs: z.number().min(-2000).max(5000).default(0),
    })
    .optional(),
  a2f: z
    .object({
      address: z.string().min(1),
      instanceName: z.string().default("/World/audio2face/PlayerStreaming"),
      blockUntilPlaybackIsFinished: z.boolean().default(false),
    })
    .optional(),
  deeplivecam: z
    .object({
      path: z.string().min(1),
      python: z.string().default("python3"),
      executionProvider: z.string().optional(),
      frameProcessors: z.array(z.string()).default(["face_swapper"]),
      maxRestarts: z.number().int().min(0).default(3),
    })
    .optional(),
});
export type SinksConfig = z.infer<typeof SinksConfig>;

export interface SinkFlags {
  livelink?: string | undefined;
  a2f?: string | undefined;
  a2f3d?: string | undefined;
  deeplivecam?: string | undefined;
  "audio-offset"?: string | undefined;
}

/** parseArgs options for the sink flags of `mirror start` and `mirror demo`. */
export const SINK_FLAG_OPTIONS = {
  livelink: { type: "string" },
  a2f: { type: "string" },
  a2f3d: { type: "string" },
  deeplivecam: { type: "string" },
  "audio-offset": { type: "string" },
} as const;

export const SINK_FLAGS_USAGE = "[--livelink host:port] [--audio-offset ms] [--a2f host:port] [--a2f3d host:port] [--deeplivecam <path>]";

/** Config with the flags applied on top (flags win), validated again. */
export function applySinkFlags<T extends { sinks: SinksConfig; stages: { lipsync: { provider: string; a2f3d?: { address: string } | undefined } } }>(config: T, flags: SinkFlags): T {
  const sinks: Record<string, unknown> = { ...config.sinks };
  if (flags.livelink) {
    const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(flags.livelink);
    if (!m?.[1]) throw new Error(`--livelink wants host:port, got ${flags.livelink}`);
    sinks.livelink = { ...config.sinks.livelink, host: m[1].replace(/^\[|\]$/g, ""), ...(m[2] ? { port: Number(m[2]) } : {}) };
  }
  if (flags["audio-offset"] !== undefined) {
    if (!sinks.livelink) throw new Error("--audio-offset needs --livelink (or sinks.livelink in the config)");
    sinks.livelink = { ...(sinks.livelink as object), audioOffsetMs: Number(flags["audio-offset"]) };
  }
  if (flags.a2f) sinks.a2f = { ...config.sinks.a2f, address: flags.a2f };
  if (flags.deeplivecam) sinks.deeplivecam = { ...config.sinks.deeplivecam, path: flags.deeplivecam };
  const parsed = SinksConfig.safeParse(sinks);
  if (!parsed.success) throw new Error(`invalid sink settings: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  const out = { ...config, sinks: parsed.data };
  if (flags.a2f3d) out.stages = { ...config.stages, lipsync: { ...config.stages.lipsync, provider: "a2f3d", a2f3d: { address: flags.a2f3d } } };
  return out;
}
