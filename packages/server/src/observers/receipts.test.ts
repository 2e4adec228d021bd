import type { DeletionRecord } from "@mirror/protocol";
import { describe, expect, it } from "vitest";
import { ReceiptBook, canonicalJson, parseReceiptCode, receiptCode } from "./receipts.js";

const record: DeletionRecord = {
  visitId: "v-1",
  reason: "farewell",
  startedAt: "2026-12-01T10:00:00.000Z",
  purgedAt: "2026-12-01T10:05:00.000Z",
  items: [{ kind: "photo", bytes: 1234, sha256: "ab".repeat(32) }],
  tempFilesDeleted: 1,
  providersNotified: ["f5"],
  verified: true,
};

describe("deletion receipt code", () => {
  it("is 10 base32 characters, the same whatever the field order, different for any other record", () => {
    const code = receiptCode(record);
    expect(code).toMatch(/^[A-Z2-7]{10}$/);
    const reordered = Object.fromEntries(Object.entries(record).reverse()) as DeletionRecord;
    expect(canonicalJson(reordered)).toBe(canonicalJson(record));
    expect(receiptCode(reordered)).toBe(code);
    expect(receiptCode({ ...record, tempFilesDeleted: 2 })).not.toBe(code);
    expect(receiptCode({ ...record, verified: false })).not.toBe(code);
  });

  it("reads what an operator types; the book finds records by code and forgets the oldest past capacity", () => {
    const code = receiptCode(record);
    expect(parseReceiptCode(` ${code.slice(0, 5).toLowerCase()}-${code.slice(5)} `)).toBe(code);
    expect(parseReceiptCode("01189998819")).toBeNull();
    const book = new ReceiptBook(2);
    expect(book.add(record)).toBe(code);
    expect(book.find(code)).toEqual({ code, record, matches: true });
    book.add({ ...record, visitId: "v-2" });
    book.add({ ...record, visitId: "v-3" });
    expect(book.find(code)).toBeNull();
  });
});
