import { createHash } from "node:crypto";
import { rm } from "node:fs/promises";
import type { DeletionRecord } from "@mirror/protocol";

type Bytes = Uint8Array | Int16Array | Float32Array;

export interface VaultItem {
  kind: string;
  data: Bytes | string;
}

export type ForgetHook = () => Promise<void>;

/**
 * Every byte of a visitor's biometric data (photo, voice sample, transcripts, voice and face models) lives here
 * and nowhere else for longer than a call. purge() wipes buffers in place, deletes temp files, asks providers to
 * forget, and reports what was deleted without any of its content.
 */
export class BiometricVault {
  private items: VaultItem[] = [];
  private tempFiles = new Set<string>();
  private forgetHooks = new Map<string, ForgetHook>();
  private purged = false;

  /**
   * Keeps a buffer until purge. After purge (a reply that finishes after the visitor left) the data is wiped and
   * dropped, never stored: late arrivals are normal in a streaming pipeline and must neither crash nor linger.
   */
  put(kind: string, data: Bytes): boolean {
    if (this.purged) {
      data.fill(0);
      return false;
    }
    this.items.push({ kind, data });
    return true;
  }

  putText(kind: string, text: string): boolean {
    if (this.purged) return false;
    if (text) this.items.push({ kind, data: text });
    return true;
  }

  /** The newest item of a kind (e.g. a re-taken sample replaces the earlier one for use, both get purged). */
  latest<T extends Bytes>(kind: string): T | undefined {
    for (let i = this.items.length - 1; i >= 0; i--) {
      const it = this.items[i];
      if (it && it.kind === kind && typeof it.data !== "string") return it.data as T;
    }
    return undefined;
  }

  /** A temp file with visitor data; one registered after purge is deleted at once. */
  registerTempFile(path: string): void {
    if (this.purged) {
      rm(path, { force: true, recursive: true }).catch(() => undefined);
      return;
    }
    this.tempFiles.add(path);
  }

  /** A provider that holds state for this visit (a cloned voice on a server) says how to make it forget. */
  onPurge(name: string, hook: ForgetHook): void {
    if (this.purged) {
      hook().catch(() => undefined);
      return;
    }
    this.forgetHooks.set(name, hook);
  }

  /** What the vault holds, in the order it came (read by an operator's retention opt-in at purge). */
  entries(): readonly Readonly<VaultItem>[] {
    return this.items;
  }

  get isPurged(): boolean {
    return this.purged;
  }

  /** Hashes of the texts kept, so a verifier can search for leftovers without keeping the texts. */
  async purge(): Promise<Pick<DeletionRecord, "items" | "tempFilesDeleted" | "providersNotified">> {
    if (this.purged) return { items: [], tempFilesDeleted: 0, providersNotified: [] };
    this.purged = true;
    const items = this.items.map((it) => ({ kind: it.kind, bytes: byteLength(it.data), sha256: sha256(it.data) }));
    for (const it of this.items) if (typeof it.data !== "string") it.data.fill(0);
    this.items = [];
    let tempFilesDeleted = 0;
    for (const path of this.tempFiles) {
      await rm(path, { force: true, recursive: true });
      tempFilesDeleted++;
    }
    this.tempFiles.clear();
    const providersNotified: string[] = [];
    for (const [name, hook] of this.forgetHooks) {
      try {
        await hook();
        providersNotified.push(name);
      } catch {
        providersNotified.push(`${name} (failed)`);
      }
    }
    this.forgetHooks.clear();
    return { items, tempFilesDeleted, providersNotified };
  }
}

function byteLength(d: Bytes | string): number {
  return typeof d === "string" ? Buffer.byteLength(d, "utf8") : d.byteLength;
}

function sha256(d: Bytes | string): string {
  const h = createHash("sha256");
  h.update(typeof d === "string" ? d : new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
  return h.digest("hex");
}

/** Zero every typed array and empty every container reachable from `root` (for provider voice/face state). */
export function wipeDeep(root: unknown, seen = new Set<unknown>()): void {
  if (root === null || typeof root !== "object" || seen.has(root)) return;
  seen.add(root);
  if (ArrayBuffer.isView(root)) {
    new Uint8Array(root.buffer, root.byteOffset, root.byteLength).fill(0);
    return;
  }
  if (root instanceof Map) {
    for (const v of root.values()) wipeDeep(v, seen);
    root.clear();
    return;
  }
  if (root instanceof Set) {
    for (const v of root) wipeDeep(v, seen);
    root.clear();
    return;
  }
  if (Array.isArray(root)) {
    for (const v of root) wipeDeep(v, seen);
    root.length = 0;
    return;
  }
  for (const key of Object.keys(root)) {
    const obj = root as Record<string, unknown>;
    wipeDeep(obj[key], seen);
    try {
      delete obj[key];
    } catch {
      // frozen objects keep their (already wiped) values
    }
  }
}

/**
 * Walks everything reachable from `root` and returns paths that still hold biometric content:
 * non-zero typed arrays of at least `minBytes`, or strings containing one of `texts`.
 */
export function findBiometricLeftovers(root: unknown, texts: readonly string[], minBytes = 256): string[] {
  const found: string[] = [];
  const seen = new Set<unknown>();
  const needles = texts.filter((t) => t.trim().length >= 4);
  const walk = (v: unknown, path: string, depth: number) => {
    if (depth > 12) return;
    if (typeof v === "string") {
      if (needles.some((n) => v.includes(n))) found.push(path);
      return;
    }
    if (v === null || typeof v !== "object" || seen.has(v)) return;
    seen.add(v);
    if (ArrayBuffer.isView(v)) {
      if (v.byteLength >= minBytes && new Uint8Array(v.buffer, v.byteOffset, v.byteLength).some((b) => b !== 0)) found.push(path);
      return;
    }
    if (v instanceof AbortController || v instanceof AbortSignal) return;
    if (v instanceof Map) {
      for (const [k, x] of v) walk(x, `${path}.get(${String(k)})`, depth + 1);
      return;
    }
    if (v instanceof Set || Array.isArray(v)) {
      let i = 0;
      for (const x of v as Iterable<unknown>) walk(x, `${path}[${i++}]`, depth + 1);
      return;
    }
    for (const key of Object.keys(v)) walk((v as Record<string, unknown>)[key], `${path}.${key}`, depth + 1);
  };
  walk(root, "visit", 0);
  return found;
}
