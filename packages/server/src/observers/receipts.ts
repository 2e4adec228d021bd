import { createHash } from "node:crypto";
import type { DeletionRecord } from "@mirror/protocol";

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
export const RECEIPT_LENGTH = 10;

/** Key-sorted JSON, so the same record always hashes the same whatever order its fields were built in. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * The visitor's deletion receipt: the first 10 base32 characters (50 bits) of SHA-256 over the record's canonical
 * JSON. The record names kinds, sizes, hashes and times only, so neither it nor the code reveals content.
 */
export function receiptCode(record: DeletionRecord): string {
  const digest = createHash("sha256").update(canonicalJson(record)).digest();
  let bits = 0;
  let acc = 0;
  let out = "";
  for (const byte of digest) {
    acc = (acc << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < RECEIPT_LENGTH) {
      out += BASE32[(acc >>> (bits - 5)) & 31];
      bits -= 5;
    }
    acc &= (1 << bits) - 1;
    if (out.length >= RECEIPT_LENGTH) break;
  }
  return out;
}

/** Normalises what an operator types (lower case, spaces, dashes) to a receipt code, or null when it cannot be one. */
export function parseReceiptCode(input: string): string | null {
  const code = input.toUpperCase().replace(/[\s-]/g, "");
  return code.length === RECEIPT_LENGTH && [...code].every((c) => BASE32.includes(c)) ? code : null;
}

/** The last deletion records by receipt code, so the operator can check a visitor's code against its record. */
export class ReceiptBook {
  private readonly records = new Map<string, DeletionRecord>();

  constructor(private readonly capacity = 2000) {}

  add(record: DeletionRecord): string {
    const code = receiptCode(record);
    this.records.set(code, record);
    if (this.records.size > this.capacity) {
      const oldest = this.records.keys().next();
      if (!oldest.done) this.records.delete(oldest.value);
    }
    return code;
  }

  /** The record and whether it still hashes to the code (it would not if it had been altered since). */
  find(input: string): { code: string; record: DeletionRecord; matches: boolean } | null {
    const code = parseReceiptCode(input);
    const record = code ? this.records.get(code) : undefined;
    return code && record ? { code, record, matches: receiptCode(record) === code } : null;
  }
}
