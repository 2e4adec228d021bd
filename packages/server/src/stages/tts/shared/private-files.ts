import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { open, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Temp files that hold biometric data (a visitor's reference audio): a directory only this user can
 * read, files created 0600, and removal that overwrites the bytes before unlinking.
 */
export class PrivateFiles {
  private dir: string | null = null;
  private readonly live = new Set<string>();

  constructor(private readonly prefix = "mirror-voice-") {}

  private directory(): string {
    this.dir ??= mkdtempSync(join(tmpdir(), this.prefix));
    return this.dir;
  }

  async write(name: string, bytes: Uint8Array): Promise<string> {
    const path = join(this.directory(), `${randomUUID()}-${name}`);
    await writeFile(path, bytes, { mode: 0o600, flag: "wx" });
    this.live.add(path);
    return path;
  }

  /** Overwrites with zeros, then deletes. Removing a file twice, or one already gone, is harmless. */
  async remove(path: string): Promise<void> {
    this.live.delete(path);
    try {
      const { size } = await stat(path);
      const fh = await open(path, "r+");
      try {
        await fh.write(new Uint8Array(size), 0, size, 0);
        await fh.sync();
      } finally {
        await fh.close();
      }
    } catch {
      // already gone
    }
    await rm(path, { force: true });
  }

  get count(): number {
    return this.live.size;
  }

  /** Removes every file still held, then the directory. */
  async removeAll(): Promise<void> {
    await Promise.all([...this.live].map((p) => this.remove(p)));
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
    this.dir = null;
  }
}
