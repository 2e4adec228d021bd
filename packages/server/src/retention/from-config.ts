import { parseDuration, retentionOn, type RetentionConfig } from "../config/privacy.js";
import { resolveRetentionKey, RetentionStore, type RetentionGroup } from "./retention-store.js";

export interface RetentionSetup {
  /** where the key file lives when MIRROR_RETENTION_KEY is not set (the console token's config dir) */
  configDir: string;
  env?: NodeJS.ProcessEnv;
  now?: () => number;
  log?: (line: string) => void;
}

/** The store the config opts into, sweeping already; null (the default) when nothing is to be kept. */
export function createRetention(r: RetentionConfig, setup: RetentionSetup): RetentionStore | null {
  if (!retentionOn(r) || !r.dir) return null;
  const groups: RetentionGroup[] = [...(r.keepTranscripts ? ["transcripts" as const] : []), ...(r.keepVoiceSample ? ["voice-sample" as const] : []), ...(r.keepPhoto ? ["photo" as const] : [])];
  const keepForMs = parseDuration(r.keepFor) ?? 0;
  const store = new RetentionStore({ dir: r.dir, keepForMs, groups, key: resolveRetentionKey(setup.configDir, setup.env), ...(setup.now ? { now: setup.now } : {}) });
  store.startSweeper(Math.min(3_600_000, Math.max(60_000, keepForMs / 10)), (err) => setup.log?.(`retention sweep failed: ${err instanceof Error ? err.name : typeof err}`));
  setup.log?.(`retention ON: keeping ${groups.join(", ")} for ${r.keepFor} in ${r.dir} (visitors are told on the consent screen)`);
  return store;
}
