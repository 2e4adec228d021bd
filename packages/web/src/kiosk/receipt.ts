import qrcode from "qrcode-generator";
import type { Language } from "@mirror/protocol";
import { h } from "./dom.js";
import { text } from "./i18n.js";

const SVG = "http://www.w3.org/2000/svg";

/** "ABCDE12345" → "ABCDE-12345", easier to read out to the staff. */
export function formatReceipt(code: string): string {
  return code.length > 5 ? `${code.slice(0, 5)}-${code.slice(5)}` : code;
}

/** The QR of the receipt code as an SVG of dark modules (built with DOM calls, no markup strings). */
export function receiptQr(code: string): SVGSVGElement {
  const qr = qrcode(0, "M");
  qr.addData(code, "Alphanumeric");
  qr.make();
  const n = qr.getModuleCount();
  const margin = 2;
  const size = n + margin * 2;
  const root = document.createElementNS(SVG, "svg");
  root.setAttribute("viewBox", `0 0 ${size} ${size}`);
  root.setAttribute("class", "receipt-qr");
  root.setAttribute("role", "img");
  root.setAttribute("aria-label", code);
  const bg = document.createElementNS(SVG, "rect");
  for (const [k, v] of Object.entries({ width: size, height: size, fill: "#fff" })) bg.setAttribute(k, String(v));
  root.append(bg);
  let d = "";
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) if (qr.isDark(r, c)) d += `M${c + margin} ${r + margin}h1v1h-1z`;
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", d);
  path.setAttribute("fill", "#000");
  root.append(path);
  return root;
}

/** Fills the farewell's receipt slot with the code and its QR (or empties it when there is no code). */
export function renderReceipt(slot: HTMLElement, code: string | undefined, lang: Language): void {
  slot.replaceChildren();
  if (!code) return;
  slot.append(h("p", { class: "quiet" }, text(lang, "receipt.code")), h("p", { class: "receipt-code", "data-testid": "receipt-code" }, formatReceipt(code)), receiptQr(code));
}
