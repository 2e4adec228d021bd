import { randomBytes, timingSafeEqual, createHash } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export interface ConsoleTokenOptions {
  env?: NodeJS.ProcessEnv;
  /** where the generated token is kept; default $MIRROR_CONFIG_DIR, else $XDG_CONFIG_HOME/mirror, else ~/.config/mirror */
  configDir?: string;
}

export interface ConsoleToken {
  token: string;
  /** env: MIRROR_CONSOLE_TOKEN · file: read from the config dir · generated: new, written to `file` (show it once) */
  source: "env" | "file" | "generated";
  file: string | null;
}

const FILE_NAME = "console-token";
const MIN_LENGTH = 16;

export function defaultConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MIRROR_CONFIG_DIR) return env.MIRROR_CONFIG_DIR;
  return join(env.XDG_CONFIG_HOME || join(homedir(), ".config"), "mirror");
}

/**
 * The operator console's token: MIRROR_CONSOLE_TOKEN, else the one kept in the config dir (a 0600 file),
 * else a new random one written there. Only a generated token is meant to be printed, and only that once.
 */
export function resolveConsoleToken(opts: ConsoleTokenOptions = {}): ConsoleToken {
  const env = opts.env ?? process.env;
  const fromEnv = env.MIRROR_CONSOLE_TOKEN?.trim();
  if (fromEnv) {
    if (fromEnv.length < MIN_LENGTH) throw new Error(`MIRROR_CONSOLE_TOKEN must be at least ${MIN_LENGTH} characters`);
    return { token: fromEnv, source: "env", file: null };
  }
  const dir = opts.configDir ?? defaultConfigDir(env);
  const file = join(dir, FILE_NAME);
  const kept = readKept(file);
  if (kept) return { token: kept, source: "file", file };
  const token = randomBytes(24).toString("base64url");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(file, `${token}\n`, { mode: 0o600, flag: "w" });
  chmodSync(file, 0o600); // an existing (empty) file keeps its mode through writeFileSync
  return { token, source: "generated", file };
}

function readKept(file: string): string | null {
  let text: string;
  try {
    text = readFileSync(file, "utf8").trim();
  } catch {
    return null;
  }
  if (text.length < MIN_LENGTH) return null;
  // a token others can read is no secret: tighten it rather than refuse to start
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  return text;
}

/** Constant-time comparison (hashing first makes lengths equal, so length leaks nothing either). */
export function tokenMatches(given: string | null | undefined, expected: string): boolean {
  if (!given) return false;
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}
