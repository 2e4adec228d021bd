import { readFileSync } from "node:fs";
import { z } from "zod";
import { Language } from "@mirror/protocol";

/** Mirror's whole configuration: validated once here, at the edge. Secrets come from env, never from files. */
export const MirrorConfig = z.object({
  server: z
    .object({
      port: z.number().int().min(0).max(65535).default(8080),
      host: z.string().default("127.0.0.1"),
    })
    .prefault({}),
  language: Language.default("en"),
  stages: z
    .object({
      vad: z.object({ provider: z.enum(["energy"]).default("energy"), hangoverMs: z.number().int().min(100).max(3000).default(550) }).prefault({}),
      stt: z.object({ provider: z.enum(["pocketsphinx"]).default("pocketsphinx") }).prefault({}),
      llm: z.object({ provider: z.enum(["scripted"]).default("scripted") }).prefault({}),
      tts: z.object({ provider: z.enum(["espeak"]).default("espeak") }).prefault({}),
      lipsync: z.object({ provider: z.enum(["builtin"]).default("builtin") }).prefault({}),
    })
    .prefault({}),
  visit: z
    .object({
      silenceTimeoutMs: z.number().int().min(5_000).default(45_000),
      idleTimeoutMs: z.number().int().min(10_000).default(180_000),
    })
    .prefault({}),
});
export type MirrorConfig = z.infer<typeof MirrorConfig>;

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/** Reads an optional JSON file, applies env overrides (MIRROR_PORT, MIRROR_HOST, MIRROR_LANGUAGE), validates. */
export function loadConfig(opts: { file?: string; env?: NodeJS.ProcessEnv; overrides?: Record<string, unknown> } = {}): MirrorConfig {
  const env = opts.env ?? process.env;
  let raw: Record<string, unknown> = {};
  if (opts.file) {
    try {
      raw = JSON.parse(readFileSync(opts.file, "utf8")) as Record<string, unknown>;
    } catch (err) {
      throw new ConfigError(`cannot read config ${opts.file}: ${(err as Error).message}`);
    }
  }
  const server = { ...((raw.server as object | undefined) ?? {}) } as Record<string, unknown>;
  if (env.MIRROR_PORT) server.port = Number(env.MIRROR_PORT);
  if (env.MIRROR_HOST) server.host = env.MIRROR_HOST;
  const merged: Record<string, unknown> = { ...raw, server, ...(env.MIRROR_LANGUAGE ? { language: env.MIRROR_LANGUAGE } : {}), ...opts.overrides };
  const parsed = MirrorConfig.safeParse(merged);
  if (!parsed.success) {
    throw new ConfigError(`invalid config: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  return parsed.data;
}
