import type { DeletionRecord, Language } from "@mirror/protocol";
import { h, i18n } from "../dom.js";
import { text, type TextKey } from "../i18n.js";
import { renderReceipt } from "../receipt.js";

/** Names of what a visit holds, as a visitor reads them. */
const KIND_KEYS: Record<string, TextKey> = {
  photo: "receipt.photo",
  "voice-sample": "receipt.voice",
  "voice-sample-clean": "receipt.voice",
  transcript: "receipt.words",
  reply: "receipt.replies",
  transcripts: "receipt.words",
};

/**
 * The last screen of a visit: what was deleted and when, from the server's deletion record (which holds no
 * biometric content). `slot` is where a receipt code or QR can be added; the record shown here is dropped with the
 * next visit.
 */
export class FarewellScreen {
  readonly root: HTMLElement;
  /** empty container under the receipt, for a receipt code / QR component */
  readonly slot = h("div", { class: "receipt-slot", "data-slot": "receipt" });
  private readonly list = h("ul", { class: "receipt", "data-testid": "receipt" });
  private readonly when = h("p", { class: "quiet receipt-time" });
  private readonly body = h("p", { class: "quiet" });
  /** what the operator's retention opt-in keeps, and until when (empty when nothing is kept) */
  private readonly kept = h("ul", { class: "receipt kept", "data-testid": "receipt-kept" });
  private record: DeletionRecord | null = null;
  private receipt: string | undefined;

  constructor() {
    this.root = h(
      "section",
      { class: "screen message purged", "data-screen": "purged" },
      h("h2", i18n("purged.title")),
      this.body,
      this.list,
      this.when,
      this.kept,
      this.slot,
    );
  }

  /** Shows the deletion record (or nothing, when the link was lost before it came). */
  show(record: DeletionRecord | null, lang: Language, receipt?: string): void {
    this.record = record;
    this.receipt = record ? receipt : undefined;
    this.render(lang);
  }

  render(lang: Language): void {
    const r = this.record;
    this.list.replaceChildren();
    this.kept.replaceChildren();
    this.when.textContent = "";
    this.body.textContent = text(lang, r?.kept?.length ? "purged.bodyKept" : "purged.body");
    renderReceipt(this.slot, this.receipt, lang);
    if (!r) return;
    // one line per kind of data, however many pieces of it the visit held
    const bytes = new Map<TextKey, number>();
    for (const item of r.items) {
      const key = KIND_KEYS[item.kind] ?? "receipt.other";
      bytes.set(key, (bytes.get(key) ?? 0) + item.bytes);
    }
    for (const [key, n] of bytes) this.list.append(h("li", {}, `${text(lang, key)} · ${formatBytes(n)}`));
    const at = new Date(r.purgedAt);
    const time = Number.isNaN(at.getTime()) ? "" : at.toLocaleTimeString(lang === "nl" ? "nl-NL" : "en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit" });
    this.when.textContent = `${text(lang, r.verified ? "receipt.verified" : "receipt.unverified")} ${time}`.trim();
    for (const item of r.kept ?? []) {
      const until = new Date(item.until);
      const date = Number.isNaN(until.getTime()) ? item.until : until.toLocaleString(lang === "nl" ? "nl-NL" : "en-GB", { dateStyle: "medium", timeStyle: "short" });
      this.kept.append(h("li", {}, `${text(lang, KIND_KEYS[item.kind] ?? "receipt.other")} · ${text(lang, "receipt.keptUntil")} ${date}`));
    }
  }

  /** Forgets the record (the next visit begins). */
  clear(): void {
    this.show(null, "en");
  }
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}
