import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { KeptItem } from "@mirror/protocol";

/** A vault item as the retention store sees it at purge time (read, never held). */
export interface RetainableItem {
  kind: string;
  data: Uint8Array | Int16Array | Float32Array | string;
}

/** What one visit may leave behind: grouped vault kinds, each group one encrypted file. */
export const RETENTION_GROUPS = {
  transcripts: ["transcript", "reply"],
  "voice-sample": ["voice-sample"],
  photo: ["photo"],
} as const satisfies Record<string, readonly string[]>;
export type RetentionGroup = keyof typeof RETENTION_GROUPS;

export interface RetentionStoreOptions {
  dir: string;
  keepForMs: number;
  groups: readonly RetentionGroup[];
  /** 32 bytes, AES-256-GCM */
  key: Uint8Array;
  now?: () => number;
}

const SUFFIX = ".mirror-kept";
/** `<untilMs>.<visitId>.<group>.mirror-kept`: the sweeper reads the expiry from the name, never the content */
const NAME = /^(\d+)\.([0-9a-f-]{36})\.([a-z-]+)\.mirror-kept$/;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * The operator's opt-in retention: at purge, copies only the opted-in kinds of a visit into its own directory
 * (0700; files 0600, AES-256-GCM), and deletes them when they expire. Holds nothing of a visitor in memory.
 */
export class RetentionStore {
  private readonly now: () => number;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly o: RetentionStoreOptions) {
    if (o.key.byteLength !== 32) throw new Error("retention key must be 32 bytes");
    this.now = o.now ?? Date.now;
    mkdirSync(o.dir, { recursive: true, mode: 0o700 });
    chmodSync(o.dir, 0o700);
  }

  get groups(): readonly RetentionGroup[] {
    return this.o.groups;
  }

  /** Writes the opted-in groups of one visit; returns what was kept (for the deletion record). */
  async keep(visitId: string, items: readonly RetainableItem[]): Promise<KeptItem[]> {
    const until = this.now() + this.o.keepForMs;
    const kept: KeptItem[] = [];
    for (const group of this.o.groups) {
      const kinds: readonly string[] = RETENTION_GROUPS[group];
      const mine = items.filter((it) => kinds.includes(it.kind));
      if (mine.length === 0) continue;
      const plain = serialize(group, mine);
      try {
        const path = join(this.o.dir, `${until}.${visitId}.${group}${SUFFIX}`);
        await writeFile(path, encrypt(plain, this.o.key), { mode: 0o600, flag: "wx" });
        kept.push({ kind: group, bytes: plain.byteLength, sha256: createHash("sha256").update(plain).digest("hex"), until: new Date(until).toISOString() });
      } finally {
        plain.fill(0);
      }
    }
    return kept;
  }

  /** Deletes every kept file whose time is up; returns how many. */
  async sweep(): Promise<number> {
    const now = this.now();
    let removed = 0;
    for (const name of await readdir(this.o.dir)) {
      const m = NAME.exec(name);
      if (!m || Number(m[1]) > now) continue;
      await rm(join(this.o.dir, name), { force: true });
      removed++;
    }
    return removed;
  }

  /** Sweeps now and then every `everyMs` (unref'd: it never keeps the process alive). */
  startSweeper(everyMs: number, onError: (err: unknown) => void = () => undefined): void {
    const run = () => void this.sweep().catch(onError);
    run();
    this.timer = setInterval(run, everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** The kept files (names only: expiry, visit, group). */
  async list(): Promise<{ file: string; until: Date; visitId: string; group: string }[]> {
    return (await readdir(this.o.dir)).flatMap((name) => {
      const m = NAME.exec(name);
      return m ? [{ file: join(this.o.dir, name), until: new Date(Number(m[1])), visitId: m[2] ?? "", group: m[3] ?? "" }] : [];
    });
  }

  /** Decrypts one kept file (for the operator's own tooling). */
  async read(file: string): Promise<Buffer> {
    return decrypt(await readFile(file), this.o.key);
  }
}

/** Texts as JSON lines in the order they were said; bytes as they were (int16 PCM for the sample). */
function serialize(group: RetentionGroup, items: readonly RetainableItem[]): Buffer {
  if (group === "transcripts") {
    const lines = items.filter((it) => typeof it.data === "string").map((it) => JSON.stringify({ kind: it.kind, text: it.data }));
    return Buffer.from(lines.join("\n") + "\n", "utf8");
  }
  return Buffer.concat(items.flatMap((it) => (typeof it.data === "string" ? [] : [Buffer.from(it.data.buffer, it.data.byteOffset, it.data.byteLength)])));
}

function encrypt(plain: Uint8Array, key: Uint8Array): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

export function decrypt(sealed: Uint8Array, key: Uint8Array): Buffer {
  const buf = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  const decipher = createDecipheriv("aes-256-gcm", key, buf.subarray(0, IV_BYTES));
  decipher.setAuthTag(buf.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(buf.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
}

/**
 * The retention key: MIRROR_RETENTION_KEY (64 hex characters), else `retention-key` in the config dir (0600),
 * made at first use. It lives outside the retention directory, so a copy of that directory alone reads as noise.
 */
export function resolveRetentionKey(configDir: string, env: NodeJS.ProcessEnv = process.env): Uint8Array {
  const fromEnv = env.MIRROR_RETENTION_KEY?.trim();
  if (fromEnv) {
    if (!/^[0-9a-f]{64}$/i.test(fromEnv)) throw new Error("MIRROR_RETENTION_KEY must be 64 hex characters (32 bytes)");
    return Buffer.from(fromEnv, "hex");
  }
  const file = join(configDir, "retention-key");
  let hex: string | null = null;
  try {
    hex = readFileSync(file, "utf8").trim();
  } catch {
    // not made yet
  }
  if (hex !== null) {
    // never replace a key that files may still be sealed with
    if (!/^[0-9a-f]{64}$/i.test(hex)) throw new Error(`${file} is not a retention key (64 hex characters)`);
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    return Buffer.from(hex, "hex");
  }
  const key = randomBytes(32);
  mkdirSync(configDir, { recursive: true, mode: 0o700 });
  writeFileSync(file, `${key.toString("hex")}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return key;
}
